package dev.keel.server.api;

import dev.keel.core.KeelException;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.blob.Hashes;
import dev.keel.core.data.Visibility;
import dev.keel.core.store.ExperimentStore;
import dev.keel.core.store.WriteBatch;
import dev.keel.internal.remote.RemoteStore;
import dev.keel.server.ServerFixture.Reply;
import dev.keel.server.TeamServerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Knowing a content hash grants nothing (issue 12, item 1), on a real team server: {@code owner}
 * (alice) uploads a private model through the SDK's remote store; {@code other} (bob), who may not
 * see her project, knows its hash and tries every route that takes one, from a run of his own.
 */
class BlobScopeTest {
    private static final byte[] MODEL = "alice's private weights".getBytes(StandardCharsets.UTF_8);
    private static final String HASH = Hashes.of(MODEL);

    @TempDir
    Path dir;

    private TeamServerFixture f;
    private String aliceRun;
    private String bobRun;

    @BeforeEach
    void aliceUploadsAPrivateModel() throws Exception {
        f = new TeamServerFixture(dir.resolve("server"), false);
        aliceRun = "alice001";
        try (RemoteStore alice = new RemoteStore(f.server.url(), f.keys.get("owner"))) {
            alice.createRun(run(aliceRun, "alice-private", "owner"), Map.of());
            alice.putBlob(aliceRun, HASH, Files.write(dir.resolve("model.bin"), MODEL));
            WriteBatch b = new WriteBatch();
            b.addFile(new RunFile("model.bin", HASH, MODEL.length, "artifact", 1));
            alice.apply(aliceRun, b);
        }
        bobRun = "bob00001";
        try (RemoteStore bob = new RemoteStore(f.server.url(), f.keys.get("other"))) {
            bob.createRun(run(bobRun, "bob-project", "other"), Map.of());
        }
        assertEquals(
                404, f.send("other", "GET", "/api/v1/runs/" + aliceRun, null).status(), "bob may not see alice's run");
    }

    @AfterEach
    void close() {
        f.close();
    }

    private static RunInfo run(String id, String project, String user) {
        long now = System.currentTimeMillis();
        return new RunInfo(
                id,
                project,
                "run-" + id,
                "",
                user,
                List.of(),
                "",
                RunState.RUNNING,
                now,
                now,
                0,
                0,
                "",
                "laptop",
                1,
                Map.of(),
                Map.of());
    }

    @Test
    void anExistenceCheckAnswersForContentHeldElsewhereExactlyAsForAbsentContent() {
        Reply held = f.send("other", "HEAD", "/api/v1/runs/" + bobRun + "/blobs/" + HASH, null);
        Reply absent = f.send("other", "HEAD", "/api/v1/runs/" + bobRun + "/blobs/" + Hashes.of(new byte[] {1}), null);
        assertEquals(404, held.status());
        assertEquals(absent.status(), held.status());
        assertEquals(
                absent.raw().headers().map().keySet(),
                held.raw().headers().map().keySet());
        try (RemoteStore bob = new RemoteStore(f.server.url(), f.keys.get("other"))) {
            assertFalse(
                    bob.hasBlob(bobRun, HASH), "the SDK must see content held only elsewhere as absent, and upload it");
        }
        assertEquals(
                200,
                f.send("owner", "HEAD", "/api/v1/runs/" + aliceRun + "/blobs/" + HASH, null)
                        .status(),
                "alice's own run holds it");
    }

    @Test
    void namingAHashInABatchDoesNotHandOverTheBytes() {
        String batch = "{\"files\": [{\"name\": \"stolen.bin\", \"hash\": \"" + HASH + "\", \"size\": " + MODEL.length
                + ", \"kind\": \"file\", \"created_at\": 1}]}";
        Reply refused = f.send("other", "POST", "/api/v1/runs/" + bobRun + "/batches", batch);
        assertEquals(400, refused.status(), refused.body());
        assertEquals(
                "the batch lists 1 file(s) whose content this server does not hold for run " + bobRun
                        + ": 'stolen.bin' (" + HASH + "); upload each first with PUT /api/v1/runs/" + bobRun
                        + "/blobs/{hash} (the SDK and 'keel sync' do), then send the batch again",
                refused.message());
        Reply download = f.send("other", "GET", "/api/v1/runs/" + bobRun + "/files/stolen.bin", null);
        assertEquals(404, download.status());
        assertFalse(download.body().contains("private weights"));
        assertEquals(List.of(), f.store.files(bobRun), "nothing of the refused batch is stored");

        // MLflow's artifact download of the same run
        ExperimentStore t = f.store.experiments().orElseThrow();
        long exp =
                t.create("bob-project", "bob-project", "", Map.of(), 1, false).id();
        Reply artifact = f.send(
                "other",
                "GET",
                "/api/2.0/mlflow-artifacts/artifacts/" + exp + "/" + bobRun + "/artifacts/stolen.bin",
                null);
        assertEquals(404, artifact.status());
        assertFalse(artifact.body().contains("private weights"));
    }

    @Test
    void sendingTheBytesLetsTheRunUseTheOneCopyAndWrongBytesDoNot() throws Exception {
        String fresh = Hashes.of("bob's own bytes".getBytes(StandardCharsets.UTF_8));
        Reply wrong = put("other", bobRun, HASH, "not alice's weights".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, wrong.status());
        assertTrue(wrong.message().startsWith("the uploaded content does not hash to " + HASH), wrong.message());
        assertEquals(
                404,
                f.send("other", "HEAD", "/api/v1/runs/" + bobRun + "/blobs/" + HASH, null)
                        .status());

        Reply sent = put("other", bobRun, HASH, MODEL);
        Reply sentFresh = put("other", bobRun, fresh, "bob's own bytes".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, sent.status(), sent.body());
        assertEquals(
                sentFresh.status(),
                sent.status(),
                "an upload answers the same whether or not a copy was held elsewhere");
        assertEquals(sentFresh.body().replace(fresh, HASH), sent.body());

        try (RemoteStore bob = new RemoteStore(f.server.url(), f.keys.get("other"))) {
            assertTrue(bob.hasBlob(bobRun, HASH));
            WriteBatch b = new WriteBatch();
            b.addFile(new RunFile("mine.bin", HASH, MODEL.length, "file", 1));
            bob.apply(bobRun, b);
            Path back = dir.resolve("back.bin");
            bob.download(bobRun, "mine.bin", back);
            assertArrayEquals(MODEL, Files.readAllBytes(back));
        }
    }

    @Test
    void contentHeldInAnotherProjectTheCallerMayWriteNeedsNoUploadAndOneItMayOnlyReadDoes() {
        // alice's second project: she holds the bytes already, in a project she writes
        try (RemoteStore alice = new RemoteStore(f.server.url(), f.keys.get("owner"))) {
            alice.createRun(run("alice002", "alice-other", "owner"), Map.of());
            assertTrue(alice.hasBlob("alice002", HASH));
            WriteBatch b = new WriteBatch();
            b.addFile(new RunFile("copy.bin", HASH, MODEL.length, "file", 1));
            alice.apply("alice002", b);
        }
        // public: bob may read alice's project, not write it; reading is no licence to name its contents elsewhere
        f.access.updateProject("alice-private", null, Visibility.PUBLIC, 2);
        assertEquals(
                200,
                f.send("other", "GET", "/api/v1/runs/" + aliceRun + "/files/model.bin", null)
                        .status());
        assertEquals(
                404,
                f.send("other", "HEAD", "/api/v1/runs/" + bobRun + "/blobs/" + HASH, null)
                        .status());
        try (RemoteStore bob = new RemoteStore(f.server.url(), f.keys.get("other"))) {
            WriteBatch b = new WriteBatch();
            b.addFile(new RunFile("stolen.bin", HASH, MODEL.length, "file", 1));
            KeelException e = assertThrows(KeelException.class, () -> bob.apply(bobRun, b));
            assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
        }
        // team: member may write alice's project, so he may use what it holds
        f.access.updateProject("alice-private", null, Visibility.TEAM, 3);
        try (RemoteStore member = new RemoteStore(f.server.url(), f.keys.get("member"))) {
            member.createRun(run("member01", "member-project", "member"), Map.of());
            assertTrue(member.hasBlob("member01", HASH));
        }
    }

    private Reply put(String user, String runId, String hash, byte[] body) {
        return f.send(HttpRequest.newBuilder(URI.create(f.server.url() + "/api/v1/runs/" + runId + "/blobs/" + hash))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/octet-stream")
                .header("Authorization", "Bearer " + f.keys.get(user))
                .build());
    }
}
