package dev.keel.flow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keel repro's cache of file hashes ({@code .keel/flow-hashes}) on real files: what it spares, and
 * the changes it must still see.
 */
class HashCacheTest {
    @TempDir
    Path root;

    /** A wall clock far enough ahead that every file written by the test counts as settled. */
    private static final LongSupplier LATER =
            () -> TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) + TimeUnit.SECONDS.toNanos(60);

    private HashCache cache;

    private void project() throws Exception {
        Files.createDirectories(root.resolve(".keel"));
        Files.writeString(root.resolve("keel.yaml"), ReproTest.FLOW);
        Files.writeString(root.resolve("raw.csv"), "a,1\nb,2\n");
        Files.writeString(root.resolve("notes.txt"), "notes\n");
        Files.writeString(
                root.resolve("params.yaml"),
                "epochs: 3\nlr: 0.1\nlayers: [512, 256]\noptimizer: {name: adam, beta: 0.9}\n");
    }

    private List<String> repro(LongSupplier clock) throws Exception {
        Path log = root.resolve("ran.log");
        Files.deleteIfExists(log);
        cache = HashCache.of(root, clock);
        new Repro(root, Flow.load(root), ref -> ref + " sha256:00", cache)
                .run(
                        null,
                        Set.of(),
                        false,
                        (stage, why, now) -> new Repro.Outcome(
                                StageProcess.run(root, stage.command(), Map.of(), line -> {}), "run-" + stage.name()),
                        (stage, d) -> {});
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void nothingStaleReadsNoFileOnceTheHashesAreRecorded() throws Exception {
        project();
        assertEquals(List.of("prepare", "train", "evaluate", "report"), repro(LATER));
        assertEquals(List.of(), repro(LATER));
        assertEquals(0, cache.filesHashed(), "every input and output was hashed before and has not changed");
        assertTrue(Files.readString(root.resolve(".keel/flow-hashes"))
                .contains(root.resolve("raw.csv").toString()));
    }

    @Test
    void oneChangedInputReRunsExactlyItsDownstreamStagesAndIsTheOnlyFileRead() throws Exception {
        project();
        repro(LATER);
        repro(LATER);
        Files.writeString(root.resolve("notes.txt"), "other notes\n");
        assertEquals(List.of("report"), repro(LATER));
        assertEquals(2, cache.filesHashed(), "notes.txt and the report.txt it made");
        Files.writeString(root.resolve("raw.csv"), "a,1\nb,2\nc,3\n");
        assertEquals(List.of("prepare", "train", "evaluate"), repro(LATER));
    }

    @Test
    void aRewriteWithTheSameSizeAndModificationTimeIsSeen() throws Exception {
        project();
        repro(LATER);
        Path raw = root.resolve("raw.csv");
        FileTime modified = Files.getLastModifiedTime(raw);
        // same length, other bytes, the modification time put back: only the status-change time tells
        Files.writeString(raw, "a,9\nb,2\n");
        Files.setLastModifiedTime(raw, modified);
        // train's model (a line count) comes out the same, so evaluate stays up to date
        assertEquals(List.of("prepare", "train"), repro(LATER));
    }

    @Test
    void aFileReplacedByAnotherWithTheSameSizeAndTimesIsSeen() throws Exception {
        project();
        repro(LATER);
        Path raw = root.resolve("raw.csv");
        FileTime modified = Files.getLastModifiedTime(raw);
        Path other = root.resolve("raw.new");
        Files.writeString(other, "z,1\nb,2\n");
        Files.setLastModifiedTime(other, modified);
        Files.move(other, raw, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertEquals(List.of("prepare", "train"), repro(LATER));
    }

    @Test
    void aFileHashedWithinTheClockTickOfItsLastChangeIsHashedAgain() throws Exception {
        project();
        // the clock at the files' own times: a write in the same tick could leave every attribute as it is
        repro(() -> TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()));
        assertEquals(List.of(), repro(LATER));
        assertTrue(cache.filesHashed() > 0, "unsettled files are read again");
        assertEquals(List.of(), repro(LATER));
        assertEquals(0, cache.filesHashed(), "once hashed well after their last change they are trusted");
    }

    @Test
    void aDamagedCacheIsAnEmptyOne() throws Exception {
        project();
        repro(LATER);
        Files.writeString(root.resolve(".keel/flow-hashes"), "keel-flow-hashes 1\nsha256:00\tx\n");
        assertEquals(List.of(), repro(LATER));
        assertTrue(cache.filesHashed() > 0);
        assertEquals(List.of(), repro(LATER));
        assertEquals(0, cache.filesHashed(), "and the next repro writes a good one");
    }

    @Test
    void withoutAKeelFolderNothingIsWritten() throws Exception {
        project();
        Files.delete(root.resolve(".keel"));
        repro(LATER);
        assertEquals(List.of(), repro(LATER));
        assertTrue(cache.filesHashed() > 0);
        assertTrue(!Files.exists(root.resolve(".keel")));
    }
}
