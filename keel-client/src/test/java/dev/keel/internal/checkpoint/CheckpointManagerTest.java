package dev.keel.internal.checkpoint;

import dev.keel.Checkpoint;
import dev.keel.Checkpoints;
import dev.keel.SummaryMode;
import dev.keel.core.KeelException;
import dev.keel.core.RunFile;
import dev.keel.core.blob.LocalBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointManagerTest {
    @TempDir
    Path dir;

    private final List<RunFile> files = new ArrayList<>();

    private CheckpointManager manager(LocalBlobStore blobs) {
        return new CheckpointManager(
                blobs,
                List.copyOf(files),
                files::add,
                name -> files.removeIf(f -> f.name().equals(name)));
    }

    private static Checkpoints.StateWriter bytes(String s) {
        return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheLastKAndTheBestAndPrunesTheRest() {
        LocalBlobStore blobs = new LocalBlobStore(dir.resolve("blobs"));
        Checkpoints c = manager(blobs).keepLast(2).keepBest("val_accuracy", SummaryMode.MAX);
        double[] acc = {0.80, 0.91, 0.85, 0.86, 0.84};
        for (int e = 0; e < acc.length; e++) {
            c.save(e, e * 100L, Map.of("val_accuracy", acc[e]), bytes("state " + e));
        }
        assertEquals(
                List.of(1L, 3L, 4L), c.list().stream().map(Checkpoint::epoch).toList());
        assertEquals(3, files.size(), "pruned checkpoints leave the run's file list");
        assertEquals(1, c.find("best").orElseThrow().epoch());
        assertEquals(4, c.find("last").orElseThrow().epoch());
        assertEquals(3, c.find("epoch-3").orElseThrow().epoch());
        assertEquals(
                "state 1",
                c.load("best", CheckpointManagerTest::read).orElseThrow().state());
    }

    @Test
    void aDamagedCheckpointIsReportedAndThePreviousGoodOneLoaded() throws IOException {
        LocalBlobStore blobs = new LocalBlobStore(dir.resolve("blobs"));
        Checkpoints c = manager(blobs).keepLast(0);
        c.save(0, 10, Map.of(), bytes("epoch zero"));
        Checkpoint last = c.save(1, 20, Map.of(), bytes("epoch one"));
        Path file = blobs.path(last.hash());
        file.toFile().setWritable(true);
        byte[] content = Files.readAllBytes(file);
        content[content.length - 2] ^= 0x01;
        Files.write(file, content);

        Checkpoints.Loaded<String> loaded =
                c.load("last", CheckpointManagerTest::read).orElseThrow();
        assertEquals("epoch zero", loaded.state());
        assertEquals(1, loaded.skipped().size());
        assertTrue(
                loaded.skipped().get(0).contains(last.name())
                        && loaded.skipped().get(0).contains("damaged"),
                loaded.skipped().get(0));
    }

    @Test
    void aResumedRunListsItsCheckpointsAgainFromItsFiles() throws IOException {
        LocalBlobStore blobs = new LocalBlobStore(dir.resolve("blobs"));
        byte[] payload = new byte[300_000];
        new Random(1).nextBytes(payload);
        manager(blobs).save(7, 700, Map.of("loss", Double.NaN, "acc", 0.5), out -> out.write(payload));

        Checkpoints resumed = manager(blobs);
        Checkpoint c = resumed.find("last").orElseThrow();
        assertEquals(7, c.epoch());
        assertEquals(700, c.step());
        assertTrue(c.metrics().get("loss").isNaN());
        assertArrayEquals(
                payload,
                resumed.load("7", InputStream::readAllBytes).orElseThrow().state());
    }

    @Test
    void aFailedSaveThrowsAClearErrorAndListsNothing() throws IOException {
        Path blocked = dir.resolve("blobs");
        Files.writeString(blocked, "a file where the blob folder should be");
        Checkpoints c = manager(new LocalBlobStore(blocked));
        KeelException e = assertThrows(KeelException.class, () -> c.save(0, 0, Map.of(), bytes("x")));
        assertTrue(e.getMessage().startsWith("cannot save checkpoint checkpoints/epoch-00000"), e.getMessage());
        assertTrue(c.list().isEmpty());
        assertTrue(files.isEmpty());
    }

    @Test
    void badSelectorsAndModesAreRejectedWithTheFix() {
        Checkpoints c = manager(new LocalBlobStore(dir.resolve("blobs")));
        c.save(0, 0, Map.of(), bytes("x"));
        assertEquals(
                "unknown checkpoint 'newest': use last, best or an epoch number",
                assertThrows(KeelException.class, () -> c.find("newest")).getMessage());
        assertEquals(
                "keepBest(\"loss\", LAST): the mode must be MIN or MAX",
                assertThrows(KeelException.class, () -> c.keepBest("loss", SummaryMode.LAST))
                        .getMessage());
    }
}
