package dev.keel.data;

import dev.keel.core.KeelHome;
import dev.keel.core.data.DatasetVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real child JVMs: killed mid-add, adding at the same time, running out of space. */
class ProcessTest {
    @TempDir
    Path tmp;

    @Test
    void sigkillDuringAddLeavesNoHalfVersionAndTheNextAddWorks() throws Exception {
        Path home = tmp.resolve("home");
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 96; i++) {
            TestTrees.random(src, "part-" + i + ".bin", 1 << 20, i);
        }
        Path log = tmp.resolve("child.log");
        Process child = TestTrees.childJava(ChildAdd.class, home.toString(), "crash", src.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Path tmpDir = home.resolve("blobs/tmp");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!packStarted(tmpDir) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        boolean killedMidAdd = child.isAlive();
        child.destroyForcibly(); // SIGKILL on Unix
        child.waitFor(30, TimeUnit.SECONDS);
        String output = Files.readString(log);
        assertTrue(killedMidAdd, "the child finished before it could be killed: " + output);
        assertEquals(137, child.exitValue());

        try (Datasets data = Datasets.open(new KeelHome(home))) {
            assertTrue(data.list().stream().allMatch(s -> s.versions() == 0), "no half version: " + data.list());
            AddResult r = data.add("crash", src, null);
            assertEquals(1, r.version().number());
            assertEquals(96, r.version().fileCount());
            assertTrue(data.verify(null).ok());
            data.gc(false, Set.of(), Duration.ZERO);
            assertTrue(data.verify(null).ok(), "gc removed only orphans");
            Path out = tmp.resolve("out");
            data.checkout("crash", out, LinkMode.HARDLINK);
            assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(out));
            try (Stream<Path> left = Files.list(tmpDir)) {
                assertEquals(0, left.count(), "temporary packs of the killed add are swept");
            }
        }
    }

    @Test
    void twoProcessesAddingAtOnceBothGetVersionsWithDistinctNumbers() throws Exception {
        Path home = tmp.resolve("home");
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        for (int i = 0; i < 300; i++) {
            TestTrees.write(a, "a/" + i + ".txt", "a" + i);
            TestTrees.write(b, "b/" + i + ".txt", "b" + i);
        }
        Files.createDirectories(home);
        Process pa = TestTrees.childJava(ChildAdd.class, home.toString(), "shared", a.toString())
                .start();
        Process pb = TestTrees.childJava(ChildAdd.class, home.toString(), "shared", b.toString())
                .start();
        assertTrue(pa.waitFor(60, TimeUnit.SECONDS) && pb.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, pa.exitValue(), new String(pa.getErrorStream().readAllBytes()));
        assertEquals(0, pb.exitValue(), new String(pb.getErrorStream().readAllBytes()));
        try (Datasets data = Datasets.open(new KeelHome(home))) {
            List<DatasetVersion> versions = data.log("shared");
            assertEquals(2, versions.size());
            assertEquals(
                    Set.of(1, 2),
                    Set.of(versions.get(0).number(), versions.get(1).number()));
            assertNotEquals(versions.get(0).hash(), versions.get(1).hash());
            for (DatasetVersion v : versions) {
                Path out = tmp.resolve("out-" + v.number());
                data.checkout(v.ref(), out, LinkMode.COPY);
                Path source = Files.exists(out.resolve("a")) ? a : b;
                assertEquals(TestTrees.snapshot(source), TestTrees.snapshot(out), v.ref() + " is whole");
            }
        }
    }

    @Test
    void runningOutOfSpaceDuringAddGivesAClearErrorAndKeepsTheStoreConsistent() throws Exception {
        Path big = Files.createDirectories(tmp.resolve("big"));
        for (int i = 0; i < 12; i++) {
            TestTrees.random(big, "f" + i + ".bin", 1 << 20, i);
        }
        addPastTheFileSizeLimit(big);
    }

    @Test
    void aWriteFailingInTheMiddleOfOneLargeFileSurfacesAndLeavesNoVersion() throws Exception {
        // One file: the write thread fails while the reading and chunk-hashing threads are mid-file.
        Path big = Files.createDirectories(tmp.resolve("one"));
        TestTrees.random(big, "weights.bin", 24 << 20, 4);
        addPastTheFileSizeLimit(big);
    }

    /** Adds {@code big} in a child whose writes past 4 MiB fail (RLIMIT_FSIZE) as a full disk's would. */
    private void addPastTheFileSizeLimit(Path big) throws Exception {
        Path home = tmp.resolve("home");
        Path small = Files.createDirectories(tmp.resolve("small"));
        TestTrees.write(small, "x.txt", "x");
        try (Datasets data = Datasets.open(new KeelHome(home))) {
            data.add("full", small, null);
        }
        String java = TestTrees.childJava(ChildAdd.class, home.toString(), "full", big.toString()).command().stream()
                .map(s -> "'" + s.replace("'", "'\\''") + "'")
                .reduce((x, y) -> x + " " + y)
                .orElseThrow();
        Process child = new ProcessBuilder("bash", "-c", "ulimit -f 4096; exec " + java).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, child.exitValue(), err);
        assertTrue(err.contains("the disk is full") && err.contains("no version was recorded"), err);

        try (Datasets data = Datasets.open(new KeelHome(home))) {
            assertEquals(1, data.log("full").size(), "only the earlier version");
            assertTrue(data.verify(null).ok());
            AddResult r = data.add("full", big, null);
            assertEquals(2, r.version().number());
            assertTrue(data.verify(null).ok());
            Path out = tmp.resolve("out");
            data.checkout("full:v2", out, LinkMode.COPY);
            assertEquals(TestTrees.snapshot(big), TestTrees.snapshot(out));
        }
    }

    private static boolean packStarted(Path tmpDir) {
        if (!Files.isDirectory(tmpDir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(tmpDir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("pack-"));
        } catch (Exception e) {
            return false;
        }
    }
}
