package dev.keel.data;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.Visibility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsTest {
    @TempDir
    Path tmp;

    Datasets data;
    Path src;

    @BeforeEach
    void open() throws Exception {
        data = Datasets.open(new KeelHome(tmp.resolve("home")));
        src = Files.createDirectories(tmp.resolve("src"));
    }

    @AfterEach
    void close() {
        data.close();
    }

    @Test
    void addThenCheckoutReproducesTheFolderWithUnicodeSpacesEmptyFilesFoldersAndModes() throws Exception {
        TestTrees.write(src, "train/0/a b.png", "zero");
        TestTrees.write(src, "train/ünï cødé/日本.txt", "unicode");
        TestTrees.write(src, "empty.bin", "");
        Path script = TestTrees.write(src, "tools/run.sh", "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(src.resolve("empty dir/nested"));
        Files.createSymbolicLink(src.resolve("train/latest.png"), Path.of("0/a b.png"));

        AddResult r = data.add(
                "fashion",
                src,
                AddOptions.defaults().message("first").description("demo").visibility(Visibility.TEAM));
        assertTrue(r.created());
        assertEquals(1, r.version().number());
        assertEquals(6, r.added()); // 4 files, 1 link and the empty folder (an entry, but not a file)
        assertEquals(5, r.version().fileCount());
        assertEquals("first", r.version().message());
        assertEquals(Visibility.TEAM, data.list().get(0).dataset().visibility());

        Path out = tmp.resolve("out");
        CheckoutResult c = data.checkout("fashion:v1", out, LinkMode.HARDLINK);
        assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(out));
        assertTrue(Files.isDirectory(out.resolve("empty dir/nested")));
        assertEquals(Path.of("0/a b.png"), Files.readSymbolicLink(out.resolve("train/latest.png")));
        assertTrue(
                Files.getPosixFilePermissions(out.resolve("tools/run.sh")).contains(PosixFilePermission.OWNER_EXECUTE));
        assertFalse(
                Files.getPosixFilePermissions(out.resolve("train/0/a b.png")).contains(PosixFilePermission.OWNER_WRITE),
                "linked files are read-only");
        assertEquals(5, c.linked() + c.written()); // 4 files and the link

        CheckoutResult again = data.checkout("fashion:latest", out, LinkMode.HARDLINK);
        assertEquals(0, again.linked() + again.written(), "only missing files are written");
        assertEquals(5, again.unchanged());

        Path copy = tmp.resolve("copy");
        data.checkout("fashion", copy, LinkMode.COPY);
        assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(copy));
        assertTrue(
                Files.getPosixFilePermissions(copy.resolve("train/0/a b.png"))
                        .contains(PosixFilePermission.OWNER_WRITE),
                "--copy gives independent, writable files");
        Files.writeString(copy.resolve("train/0/a b.png"), "edited");
        assertEquals("zero", Files.readString(out.resolve("train/0/a b.png")), "editing a copy leaves the cache alone");
        CheckoutResult repaired = data.checkout("fashion", copy, LinkMode.COPY);
        assertEquals(1, repaired.written());
        assertEquals("zero", Files.readString(copy.resolve("train/0/a b.png")));
    }

    @Test
    void identicalContentMakesNoNewVersionAndChangesAreCountedAndDiffed() throws Exception {
        TestTrees.write(src, "a.txt", "a");
        TestTrees.write(src, "b.txt", "b");
        TestTrees.write(src, "c.txt", "c");
        data.add("ds", src, null);
        AddResult same = data.add("ds", src, null);
        assertFalse(same.created());
        assertEquals(1, same.version().number());
        assertTrue(same.summary().contains("unchanged"), same.summary());
        data.add("ds", src, AddOptions.defaults().description("now described").visibility(Visibility.PUBLIC));
        assertEquals("now described", data.list().get(0).dataset().description(), "applies without a new version");
        assertEquals(Visibility.PUBLIC, data.list().get(0).dataset().visibility());

        Files.delete(src.resolve("a.txt"));
        TestTrees.write(src, "b.txt", "bigger b");
        TestTrees.write(src, "d/new.txt", "new");
        AddResult v2 = data.add("ds", src, AddOptions.defaults().message("second"));
        assertTrue(v2.created());
        assertEquals(2, v2.version().number());
        assertEquals(1, v2.version().parent());
        assertEquals(List.of(1, 1, 1), List.of(v2.added(), v2.removed(), v2.modified()));

        DatasetDiff diff = data.diff("ds:v1", "ds:v2");
        assertEquals(
                List.of(
                        new FileChange("a.txt", FileChange.Kind.REMOVED, 1, -1),
                        new FileChange("b.txt", FileChange.Kind.MODIFIED, 1, 8),
                        new FileChange("d/new.txt", FileChange.Kind.ADDED, -1, 3)),
                diff.changes());
        assertEquals("ds:v1 -> ds:v2: +1 -1 ~1 files, +9 B", diff.stat());

        assertEquals(
                List.of(2, 1),
                data.log("ds").stream().map(DatasetVersion::number).toList());
    }

    @Test
    void reAddingAnUnchangedFolderRehashesNothingAndAChangedFileIsStillSeen() throws Exception {
        for (int i = 0; i < 50; i++) {
            TestTrees.write(src, "f/" + i + ".txt", "content " + i);
        }
        ageAll(src);
        assertEquals(50, data.add("stat", src, null).filesHashed());
        AddResult again = data.add("stat", src, null);
        assertFalse(again.created());
        assertEquals(0, again.filesHashed(), "the stat cache recognised every file");

        TestTrees.write(src, "f/7.txt", "CONTENT 7"); // same size, new content and mtime
        AddResult changed = data.add("stat", src, null);
        assertTrue(changed.created());
        assertEquals(1, changed.modified());
        assertEquals(1, changed.filesHashed());
    }

    @Test
    void reAddingAnUnchangedFolderReadsNoFileAndWritesNothingUnderTheHome() throws Exception {
        for (int i = 0; i < 20; i++) {
            TestTrees.write(src, "f/" + i + ".txt", "content " + i);
        }
        TestTrees.random(src, "big.bin", 600_000, 7);
        ageAll(src);
        DatasetVersion v1 = data.add("quiet", src, null).version();
        Map<String, String> home = snapshot(tmp.resolve("home"));

        // Same size, inode and mtime, other bytes: only a read of the content could tell.
        Path f = src.resolve("f/3.txt");
        FileTime mtime = Files.getLastModifiedTime(f);
        try (var out = Files.newOutputStream(f, StandardOpenOption.WRITE)) {
            out.write("CONTENT 3".getBytes(StandardCharsets.UTF_8));
        }
        Files.setLastModifiedTime(f, mtime);

        AddResult again = data.add("quiet", src, null);
        assertFalse(again.created());
        assertEquals(v1, again.version(), "the scan alone recognised the folder");
        assertEquals(0, again.filesHashed());
        assertEquals(home, snapshot(tmp.resolve("home")), "nothing under the home was written");
    }

    /** Every file under {@code root} with its size and modification time. */
    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    out.put(root.relativize(p).toString(), Files.size(p) + " " + Files.getLastModifiedTime(p));
                }
            }
        }
        return out;
    }

    @Test
    void aNewVersionWithOnePercentChangedStoresAboutOnePercent() throws Exception {
        for (int i = 0; i < 1000; i++) {
            TestTrees.random(src, "img/" + i + ".png", 400, i);
        }
        AddResult v1 = data.add("pct", src, null);
        for (int i = 0; i < 1000; i += 100) {
            TestTrees.random(src, "img/" + i + ".png", 400, -i - 1);
        }
        AddResult v2 = data.add("pct", src, null);
        assertEquals(10, v2.modified());
        assertEquals(4000, v2.bytesStored(), "only the 10 changed files are stored");
        assertTrue(v1.bytesStored() == 400_000);
    }

    @Test
    void checkingOutAgainIntoTheSameFolderReadsNoFileItsStatCacheVouchesFor() throws Exception {
        // Enough files for the checkout to look at its copies in more than one slice.
        for (int i = 0; i < 3000; i++) {
            TestTrees.write(src, "f/" + i + ".txt", "content " + i);
        }
        data.add("copies", src, null);
        Path out = tmp.resolve("out");
        assertEquals(3000, data.checkout("copies:v1", out).written());
        // Just written, every copy is too recent to be remembered; once older, the next checkout
        // reads each one, finds it unchanged and remembers it.
        ageAll(out);
        assertEquals(3000, data.checkout("copies:v1", out).unchanged());

        // Same size, inode and mtime, other bytes (as git's index, the stat cache cannot see
        // this): a checkout that trusted its record leaves them, one that read them rewrites them.
        for (String name : List.of("f/0.txt", "f/2999.txt")) {
            Path f = out.resolve(name);
            FileTime mtime = Files.getLastModifiedTime(f);
            Files.writeString(f, Files.readString(f).toUpperCase(), StandardOpenOption.TRUNCATE_EXISTING);
            Files.setLastModifiedTime(f, mtime);
        }
        CheckoutResult third = data.checkout("copies:v1", out);
        assertEquals(3000, third.unchanged(), "every copy known by its (size, mtime, inode)");
        assertEquals(0, third.written());
        assertEquals("CONTENT 0", Files.readString(out.resolve("f/0.txt")), "not read");
        assertEquals("CONTENT 2999", Files.readString(out.resolve("f/2999.txt")), "not read");

        // An edit that moves the mtime is seen and repaired.
        Files.writeString(out.resolve("f/2999.txt"), "edited");
        CheckoutResult fourth = data.checkout("copies:v1", out);
        assertEquals(1, fourth.written());
        assertEquals("content 2999", Files.readString(out.resolve("f/2999.txt")));
    }

    private static void ageAll(Path root) throws Exception {
        var old = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.setLastModifiedTime(p, old);
            }
        }
    }

    @Test
    void refsResolveByNumberLatestTagAndHashPrefix() throws Exception {
        TestTrees.write(src, "x", "1");
        DatasetVersion v1 = data.add("refs", src, null).version();
        TestTrees.write(src, "x", "2");
        DatasetVersion v2 = data.add("refs", src, null).version();
        assertEquals(v1, data.resolve("refs:v1"));
        assertEquals(v2, data.resolve("refs:latest"));
        assertEquals(v2, data.resolve("refs"));
        assertEquals(v1, data.resolve("refs@" + v1.shortHash().substring(0, 8)));
        assertEquals(v1, data.resolve("refs@" + v1.hash()));
        data.tag("refs:v1", "prod");
        assertEquals(v1, data.resolve("refs:prod"));
        data.tag("refs:v2", "prod");
        assertEquals(v2, data.resolve("refs:prod"), "a tag moves");
        assertEquals(Map.of("prod", 2), data.tags("refs"));
        assertEquals(List.of("prod"), data.show("refs:v2").tags());

        assertEquals(
                "no version refs:v9; 'keel data log refs' lists its versions",
                assertThrows(KeelException.class, () -> data.resolve("refs:v9")).getMessage());
        assertTrue(assertThrows(KeelException.class, () -> data.resolve("nope:v1"))
                .getMessage()
                .startsWith("no dataset named 'nope'"));
        assertTrue(assertThrows(KeelException.class, () -> data.tag("refs:v1", "v3"))
                .getMessage()
                .contains("reserved for versions"));
    }

    @Test
    void badNamesAreRefusedWithTheRule() throws Exception {
        TestTrees.write(src, "x", "1");
        for (String bad : List.of("", "Upper", "-dash", "a/b", "x".repeat(65), "sp ace")) {
            KeelException e = assertThrows(KeelException.class, () -> data.add(bad, src, null));
            assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
            assertTrue(
                    e.getMessage().startsWith("invalid dataset name '" + bad + "': use 1-64 characters"),
                    e.getMessage());
        }
        assertTrue(data.list().isEmpty(), "nothing stored by bad input");
        assertTrue(assertThrows(KeelException.class, () -> data.add("ok", tmp.resolve("missing"), null))
                .getMessage()
                .contains("no such file or folder"));
    }

    @Test
    void emptyFolderIsAZeroFileVersionAndASingleFileCanBeAdded() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        AddResult r = data.add("nothing", empty, null);
        assertTrue(r.created());
        assertEquals(0, r.version().fileCount());
        assertEquals(0, r.version().totalBytes());
        Path out = tmp.resolve("out-empty");
        data.checkout("nothing", out, LinkMode.HARDLINK);
        assertTrue(Files.isDirectory(out));
        assertTrue(TestTrees.snapshot(out).isEmpty());

        Path one = TestTrees.write(tmp, "single/labels.csv", "id,label\n1,3\n");
        AddResult f = data.add("labels", one, null);
        assertEquals(
                List.of("labels.csv"),
                data.show("labels").files().stream().map(FileEntry::path).toList());
        assertEquals(13, f.version().totalBytes());
    }

    @Test
    void lineageIsRecordedAndQueriedBothWays() throws Exception {
        TestTrees.write(src, "x", "1");
        data.add("lin", src, null);
        TestTrees.write(src, "x", "2");
        data.add("lin", src, null);
        data.recordUse("run00001", "lin:v1");
        data.recordUse("run00002", "lin:latest");
        data.recordUse("run00002", "lin:v1");
        assertEquals(
                List.of("lin:v2", "lin:v1"),
                data.inputsOf("run00002").stream().map(i -> i.ref()).toList());
        assertEquals(
                Set.of("run00001", "run00002"),
                Set.copyOf(
                        data.show("lin:v1").runs().stream().map(i -> i.runId()).toList()));
        assertEquals(
                List.of("run00002"),
                data.usesOf("lin:v2").stream().map(i -> i.runId()).toList());
        assertEquals(
                data.resolve("lin:v1").hash(), data.inputsOf("run00001").get(0).hash());

        UsedDataset used = data.use("run00003", "lin:latest");
        assertEquals("lin:v2", used.version().ref());
        assertEquals("2", Files.readString(used.path().resolve("x")));
        assertEquals(
                List.of("lin:v2"),
                data.inputsOf("run00003").stream().map(i -> i.ref()).toList());
    }

    @Test
    void materializeReturnsACachedCheckout() throws Exception {
        TestTrees.write(src, "d/x.txt", "hello");
        data.add("mat", src, null);
        Path p1 = data.materialize("mat:latest");
        Path p2 = data.materialize("mat:v1");
        assertEquals(p1, p2);
        assertEquals("hello", Files.readString(p1.resolve("d/x.txt")));

        for (int i = 0; i < 200; i++) {
            TestTrees.write(src, "many/" + i + ".txt", "n" + i);
        }
        data.add("mat", src, null);
        var pool = Executors.newFixedThreadPool(4);
        try {
            var futures = new ArrayList<Future<Path>>();
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit(() -> data.materialize("mat:v2")));
            }
            for (var f : futures) {
                assertEquals(
                        TestTrees.snapshot(src), TestTrees.snapshot(f.get()), "parallel runs share one whole copy");
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void removeVersionAndDatasetThenGcFreesTheirBlobsButKeepsLiveAndExtraOnes() throws Exception {
        TestTrees.random(src, "big1.bin", 300_000, 1);
        DatasetVersion v1 = data.add("gc", src, null).version();
        Files.delete(src.resolve("big1.bin"));
        TestTrees.random(src, "big2.bin", 300_000, 2);
        data.add("gc", src, null);
        var runFile =
                new LocalBlobStore(tmp.resolve("home/blobs")).put(new ByteArrayInputStream("artifact".getBytes()));

        assertEquals(
                0, data.gc(false, Set.of(runFile), Duration.ZERO).blobsRemoved().size(), "all live");
        data.removeVersion("gc:v1");
        assertThrows(KeelException.class, () -> data.resolve(v1.ref()));
        GcReport dry = data.gc(true, Set.of(runFile), Duration.ZERO);
        assertEquals(1, dry.blobsRemoved().size());
        assertTrue(dry.bytesFreed() >= 300_000);
        GcReport real = data.gc(false, Set.of(runFile), Duration.ZERO);
        assertEquals(dry.blobsRemoved(), real.blobsRemoved());
        assertTrue(data.verify(null).ok());
        Path out = tmp.resolve("gc-out");
        data.checkout("gc:v2", out, LinkMode.COPY);
        assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(out));
        assertTrue(new LocalBlobStore(tmp.resolve("home/blobs")).has(runFile), "extra live blob kept");

        data.removeDataset("gc");
        assertTrue(data.list().isEmpty());
        assertEquals(
                1, data.gc(false, Set.of(runFile), Duration.ZERO).blobsRemoved().size());
        assertNotEquals(
                0,
                data.gc(true, Set.of(), Duration.ZERO).blobsRemoved().size(),
                "without the run's hashes the artifact would go");
    }
}
