package dev.keel.data.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scan sees what the file system holds, whichever way it read a folder (listed names or its stream). */
class ScannerTest {
    @TempDir
    Path src;

    @Test
    void everyFileIsFoundWithItsStatWhateverItsName() throws IOException {
        for (String name : List.of(
                "plain/a.txt",
                "plain/b.bin",
                "mixed/café.txt",
                "mixed/c.txt",
                "quest/what?.txt",
                "deep/er/still/d.txt",
                "ünï/e.txt")) {
            Path p = src.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "bytes of " + name);
        }
        for (int i = 0; i < 8; i++) {
            Path p = Files.writeString(src.resolve("plain/x" + i), "file " + i);
            if (i % 3 == 1) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-x---"));
            }
        }
        Files.createDirectories(src.resolve("empty"));
        // entries kept with their exact path among a folder's listed files
        Files.createSymbolicLink(src.resolve("plain/link"), Path.of("a.txt"));
        Files.createDirectories(src.resolve("plain/inner-empty"));
        Files.createDirectories(src.resolve(".keel/cache"));
        Files.writeString(src.resolve(".keel/cache/x"), "never data");

        Scanner.Scan scan = Scanner.scanRecorded(src);
        Set<String> expected;
        try (Stream<Path> all = Files.walk(src)) {
            expected = all.filter(p -> !src.relativize(p).startsWith(".keel"))
                    .filter(p -> Files.isRegularFile(p) || isEmptyFolder(p) && !p.equals(src))
                    .map(p -> src.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(
                expected,
                scan.found().stream().map(Scanner.Found::path).collect(Collectors.toCollection(TreeSet::new)));
        for (Scanner.Found f : scan.found()) {
            if (f.type() == Entry.Type.FILE) {
                BasicFileAttributes a =
                        Files.readAttributes(f.file(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                assertEquals(a.size(), f.size(), f.path());
                assertEquals(Scanner.mtimeNanos(a), f.mtimeNanos(), f.path());
                assertEquals(String.valueOf(a.fileKey()), f.key(), f.path());
                assertEquals(
                        Files.getPosixFilePermissions(f.file(), LinkOption.NOFOLLOW_LINKS)
                                .contains(PosixFilePermission.OWNER_EXECUTE),
                        f.executable(),
                        f.path());
                assertTrue(
                        f.path().startsWith("plain/") ? f.exact() == null : true, "ASCII folders are listed by name");
            }
        }
        Scanner.Found cafe = scan.found().stream()
                .filter(f -> f.path().equals("mixed/café.txt"))
                .findFirst()
                .orElseThrow();
        assertNotNull(cafe.exact(), "a folder with other names is read through its stream, paths exact");
        assertEquals(ScanRecord.of(scan.found()).length(), scan.record().length());
        assertTrue(
                scan.record()
                        .sameAs(Arrays.copyOf(
                                ScanRecord.of(scan.found()).bytes(),
                                ScanRecord.of(scan.found()).length())),
                "the record built while walking is the record of the list");
        assertNull(StatCache.load(src.resolve("none"), src).unchangedManifest(scan));

        byte[] whole = Arrays.copyOf(
                ScanRecord.of(scan.found()).bytes(), ScanRecord.of(scan.found()).length());
        Scanner.Scan again = Scanner.scanRecorded(src);
        assertTrue(again.recordEquals(whole), "compared folder by folder, the record is the list's");
        for (int at : new int[] {0, whole.length / 2, whole.length - 1}) {
            byte[] other = whole.clone();
            other[at] ^= 1;
            assertFalse(again.recordEquals(other), "one byte differs at " + at);
        }
        assertFalse(again.recordEquals(Arrays.copyOf(whole, whole.length - 1)), "one byte short");
        assertFalse(again.recordEquals(Arrays.copyOf(whole, whole.length + 1)), "one byte more");
        assertEquals(scan.found(), again.found(), "entries read back from the record are the entries found");
    }

    private static boolean isEmptyFolder(Path p) {
        try (Stream<Path> s = Files.list(p)) {
            return Files.isDirectory(p) && s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
