package dev.keel.server.remote;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.RunFile;
import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.Visibility;
import dev.keel.core.store.WriteBatch;
import dev.keel.internal.remote.LogUpload;
import dev.keel.internal.remote.RemoteStore;
import dev.keel.server.TeamServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK's upload (what the background sender and {@code keel sync} run) against a team server
 * that keeps one copy of equal bytes but lets a project use only what was sent into it.
 */
class RemoteBlobUploadTest {
    private static final byte[] WEIGHTS = "shared base weights".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /** A run logged locally (embedded) that saved {@code weights.bin}; returns its id. */
    private String localRunWithFile(KeelHome home) throws Exception {
        Path file = Files.write(Files.createDirectories(dir.resolve("work")).resolve("weights.bin"), WEIGHTS);
        try (Run run = Keel.init(RunOptions.builder()
                .project("bob-project")
                .home(home.root())
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            run.log(Map.of("loss", 0.5));
            run.saveFile(file);
            return run.id();
        }
    }

    @Test
    void bytesAnotherProjectHoldsAreSentAgainAndTheFileReadsBack() throws Exception {
        try (TeamServerFixture f = new TeamServerFixture(dir.resolve("server"), false)) {
            // owner's private project holds the same bytes already
            String ownerRun = f.projectWithRun("owner-private", "owner", Visibility.PRIVATE);
            String hash = new LocalBlobStore(f.home.blobs()).put(new ByteArrayInputStream(WEIGHTS));
            WriteBatch b = new WriteBatch();
            b.addFile(new RunFile("weights.bin", hash, WEIGHTS.length, "file", 1));
            f.store.apply(ownerRun, b);

            KeelHome home = new KeelHome(dir.resolve("client")).ensureExists();
            String id = localRunWithFile(home);
            try (RemoteStore bob = new RemoteStore(f.server.url(), f.keys.get("other"))) {
                LogUpload.Result r = LogUpload.upload(home, id, bob, new LocalBlobStore(home.blobs()));
                assertTrue(r.caughtUp(), r.toString());
                // (the run may list a diff.patch too, when the tests run in a git checkout with changes)
                RunFile weights = bob.files(id).stream()
                        .filter(x -> x.name().equals("weights.bin"))
                        .findFirst()
                        .orElseThrow();
                assertEquals(Hashes.of(WEIGHTS), weights.hash());
                Path back = dir.resolve("back.bin");
                bob.download(id, weights.name(), back);
                assertArrayEquals(WEIGHTS, Files.readAllBytes(back));
            }
        }
    }

    @Test
    void aFileWhoseBytesAreGoneLocallyIsLeftOutAndTheRestOfTheRunGoesUp() throws Exception {
        try (TeamServerFixture f = new TeamServerFixture(dir.resolve("server"), false)) {
            KeelHome home = new KeelHome(dir.resolve("client")).ensureExists();
            String id = localRunWithFile(home);
            assertTrue(new LocalBlobStore(home.blobs()).delete(Hashes.of(WEIGHTS)));
            try (RemoteStore bob = new RemoteStore(f.server.url(), f.keys.get("other"))) {
                LogUpload.Result r = LogUpload.upload(home, id, bob, new LocalBlobStore(home.blobs()));
                assertTrue(r.caughtUp(), r.toString());
                assertEquals(
                        List.of(),
                        bob.files(id).stream()
                                .filter(x -> x.name().equals("weights.bin"))
                                .toList());
                assertEquals(1, bob.history(id, "loss").steps().length);
                assertEquals("finished", bob.run(id).orElseThrow().state().label());
            }
        }
    }
}
