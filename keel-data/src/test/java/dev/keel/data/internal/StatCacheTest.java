package dev.keel.data.internal;

import dev.keel.core.KeelHome;
import dev.keel.data.AddResult;
import dev.keel.data.Datasets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stat cache's snapshot (a re-add recognised from its scan alone) must notice every change
 * the per-file lookups notice: each test changes the folder one way and checks both.
 */
class StatCacheTest {
    /** Old enough to be past the racy window of any scan. */
    private static final FileTime OLD = FileTime.fromMillis(System.currentTimeMillis() - 120_000);

    @TempDir
    Path tmp;

    Path src;
    Path cache;
    String hash;

    @BeforeEach
    void remember() throws IOException {
        src = Files.createDirectories(tmp.resolve("src"));
        cache = tmp.resolve("cache");
        for (int i = 0; i < 20; i++) {
            write("d" + (i % 3) + "/f" + i + ".txt", "content " + i);
        }
        Files.createDirectories(src.resolve("empty"));
        Files.createSymbolicLink(src.resolve("d0/link"), Path.of("f0.txt"));
        hash = save();
    }

    @Test
    void anUnchangedFolderIsRecognisedFromItsScanAndAgreesWithTheEntries() throws IOException {
        assertEquals(hash, StatCache.load(cache, src).unchangedManifest(Scanner.scan(src)));
        assertEquals(hash, perFile(), "the per-file path reaches the same manifest");
    }

    @Test
    void aRewriteWithTheSameSizeIsNoticed() throws IOException {
        write("d1/f1.txt", "CONTENT 1");
        Files.setLastModifiedTime(src.resolve("d1/f1.txt"), FileTime.fromMillis(OLD.toMillis() + 1000));
        assertBothMiss();
    }

    @Test
    void aSizeChangeWithTheMtimeSetBackIsNoticed() throws IOException {
        write("d1/f1.txt", "content 1 and more");
        assertBothMiss();
    }

    @Test
    void aReplacedFileWithTheSameSizeAndMtimeIsNoticedByItsInode() throws IOException {
        Path f = src.resolve("d2/f2.txt");
        Path replacement = tmp.resolve("replacement");
        Files.writeString(replacement, "CONTENT 2");
        Files.setLastModifiedTime(replacement, Files.getLastModifiedTime(f));
        Files.move(replacement, f, StandardCopyOption.REPLACE_EXISTING);
        assertBothMiss();
    }

    @Test
    void addedRemovedAndRenamedFilesAreNoticed() throws IOException {
        write("d0/new.txt", "new");
        assertNull(StatCache.load(cache, src).unchangedManifest(Scanner.scan(src)));
        assertFalse(hash.equals(perFile()), "the new file is not in the cache");

        Files.delete(src.resolve("d0/new.txt"));
        assertEquals(hash, StatCache.load(cache, src).unchangedManifest(Scanner.scan(src)), "back as it was");
        Files.delete(src.resolve("d0/f3.txt"));
        assertNull(StatCache.load(cache, src).unchangedManifest(Scanner.scan(src)));
        assertFalse(hash.equals(perFile()), "one entry fewer, another manifest");
        hash = save();

        Files.move(src.resolve("d0/f6.txt"), src.resolve("d1/f6.txt")); // same inode, size and mtime
        assertNull(StatCache.load(cache, src).unchangedManifest(Scanner.scan(src)));
        assertFalse(hash.equals(perFile()));
    }

    @Test
    void modeLinkAndEmptyFolderChangesAreNoticed() throws IOException {
        Path f = src.resolve("d1/f4.txt");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setLastModifiedTime(f, OLD); // chmod keeps the mtime anyway
        assertBothMiss();
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(hash, StatCache.load(cache, src).unchangedManifest(Scanner.scan(src)));

        Files.delete(src.resolve("d0/link"));
        Files.createSymbolicLink(src.resolve("d0/link"), Path.of("f3.txt"));
        assertNull(StatCache.load(cache, src).unchangedManifest(Scanner.scan(src)));
        Files.delete(src.resolve("d0/link"));
        Files.createSymbolicLink(src.resolve("d0/link"), Path.of("f0.txt"));

        Files.createDirectories(src.resolve("empty/inner"));
        assertNull(StatCache.load(cache, src).unchangedManifest(Scanner.scan(src)));
    }

    @Test
    void aSameSizeRewriteWithMtimeAndInodeKeptIsMissedByBothPathsAlike() throws IOException {
        // The stat cache's known blind spot (git's index has it too): the snapshot is no weaker.
        Path f = src.resolve("d1/f7.txt");
        FileTime before = Files.getLastModifiedTime(f);
        Files.writeString(f, "CONTENT 7"); // in place: same inode
        Files.setLastModifiedTime(f, before);
        assertEquals(hash, StatCache.load(cache, src).unchangedManifest(Scanner.scan(src)));
        assertEquals(hash, perFile());
    }

    @Test
    void aScanInAnotherOrderFallsBackToTheEntries() throws IOException {
        List<Scanner.Found> found = new ArrayList<>(Scanner.scan(src));
        Collections.reverse(found);
        StatCache stat = StatCache.load(cache, src);
        assertNull(stat.unchangedManifest(found));
        for (Scanner.Found f : found) {
            if (f.type() == Entry.Type.FILE) {
                assertNotNull(stat.lookup(f), f.path());
            }
        }
    }

    @Test
    void aRacyFileLeavesNoSnapshotButTheOthersStayRemembered() throws IOException {
        write("d2/racy.txt", "just written");
        long written = System.currentTimeMillis() - 1000;
        Files.setLastModifiedTime(src.resolve("d2/racy.txt"), FileTime.fromMillis(written));
        String withRacy = saveAt((written + 50) * 1_000_000L); // scanned 50 ms after the write

        assertNull(StatCache.load(cache, src).unchangedManifest(Scanner.scan(src)), "no snapshot with a racy file");
        StatCache stat = StatCache.load(cache, src);
        int remembered = 0;
        for (Scanner.Found f : Scanner.scan(src)) {
            if (f.type() == Entry.Type.FILE && stat.lookup(f) != null) {
                remembered++;
            }
        }
        assertEquals(20, remembered, "every file but the racy one");
        assertFalse(withRacy.equals(hash));
    }

    @Test
    void aDamagedCacheFileOnlyCostsRehashing() throws IOException {
        try (var s = Files.list(cache.resolve("stat"))) {
            Path file = s.findFirst().orElseThrow();
            byte[] b = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(b, b.length / 2));
        }
        StatCache stat = StatCache.load(cache, src);
        assertEquals(hash, stat.unchangedManifest(Scanner.scan(src)), "the snapshot sits in the intact head");
        assertNull(perFile(), "the truncated entries are dropped whole");
    }

    @Test
    void reAddingATouchedButUnchangedFileRehashesItOnceAndThenUsesTheSnapshotAgain() throws IOException {
        Path home = tmp.resolve("home");
        try (Datasets data = Datasets.open(new KeelHome(home))) {
            AddResult v1 = data.add("ds", src, null);
            Path dataCache = new KeelHome(home).cache().resolve("data");
            assertEquals(v1.version().hash(), StatCache.load(dataCache, src).unchangedManifest(Scanner.scan(src)));

            Files.setLastModifiedTime(src.resolve("d0/f0.txt"), FileTime.fromMillis(OLD.toMillis() + 5000));
            assertNull(StatCache.load(dataCache, src).unchangedManifest(Scanner.scan(src)));
            AddResult again = data.add("ds", src, null);
            assertFalse(again.created());
            // The touched file, plus the link and the empty folder, which the per-file path always recomputes.
            assertEquals(3, again.filesHashed(), "only the touched file is read");
            assertEquals(
                    v1.version().hash(),
                    StatCache.load(dataCache, src).unchangedManifest(Scanner.scan(src)),
                    "the snapshot now describes the touched folder");
            assertEquals(0, data.add("ds", src, null).filesHashed());

            write("d1/extra.txt", "extra");
            AddResult v2 = data.add("ds", src, null);
            assertTrue(v2.created());
            assertEquals(1, v2.added());
            assertEquals(v2.version().hash(), StatCache.load(dataCache, src).unchangedManifest(Scanner.scan(src)));
            Files.delete(src.resolve("d1/extra.txt"));
            AddResult v3 = data.add("ds", src, null);
            assertTrue(v3.created(), "the latest version has the extra file: removing it is a change");
            assertEquals(1, v3.removed());
            assertEquals(v1.version().hash(), v3.version().hash());
        }
    }

    /** Saves the cache as an add would (every file hashed now) and returns the manifest hash. */
    private String save() throws IOException {
        return saveAt(System.currentTimeMillis() * 1_000_000L);
    }

    private String saveAt(long scanStartNanos) throws IOException {
        List<Scanner.Found> found = Scanner.scan(src);
        Entry[] results = new Entry[found.size()];
        for (int i = 0; i < results.length; i++) {
            results[i] = entry(found.get(i));
        }
        String h = Manifest.of(List.of(results)).hash();
        StatCache.load(cache, src).save(found, results, scanStartNanos, h);
        return h;
    }

    /** The manifest hash the per-file lookups give (null when one misses), as the engine's fallback computes it. */
    private String perFile() throws IOException {
        StatCache stat = StatCache.load(cache, src);
        List<Entry> entries = new ArrayList<>();
        for (Scanner.Found f : Scanner.scan(src)) {
            Entry e = f.type() == Entry.Type.FILE ? stat.lookup(f) : entry(f);
            if (e == null) {
                return null;
            }
            entries.add(e);
        }
        return Manifest.of(entries).hash();
    }

    private void assertBothMiss() throws IOException {
        assertNull(StatCache.load(cache, src).unchangedManifest(Scanner.scan(src)), "the snapshot must miss");
        String perFile = perFile();
        assertTrue(perFile == null || !perFile.equals(hash), "the per-file lookups must miss too");
    }

    private static Entry entry(Scanner.Found f) throws IOException {
        return switch (f.type()) {
            case DIR -> new Entry(f.path(), Entry.Type.DIR, 0755, 0, "", null);
            case LINK -> {
                byte[] t = f.linkTarget().getBytes(StandardCharsets.UTF_8);
                yield new Entry(f.path(), Entry.Type.LINK, 0777, t.length, Hex.sha256(t, 0, t.length), null);
            }
            case FILE -> {
                byte[] b = Files.readAllBytes(f.file());
                yield Entry.file(f.path(), f.executable(), b.length, Hex.sha256(b, 0, b.length), null);
            }
        };
    }

    private void write(String rel, String content) throws IOException {
        Path p = src.resolve(rel);
        Files.createDirectories(p.getParent());
        FileTime before = Files.exists(p) ? Files.getLastModifiedTime(p) : OLD;
        Files.writeString(p, content);
        Files.setLastModifiedTime(p, before);
    }
}
