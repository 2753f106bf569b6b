package dev.keel.server.api;

import dev.keel.core.RunInfo;
import dev.keel.server.ServerFixture;
import dev.keel.server.ServerFixture.Reply;
import dev.keel.server.TeamServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The server decides who logged a run (issue 12, item 4): on a team server the run's user is the
 * signed-in caller, and what the client claimed is a label in the provenance; {@code keel ui}
 * keeps what its one local user's clients say, MLflow's {@code user_id} or tag {@code mlflow.user}
 * included.
 */
class RunIdentityTest {
    @TempDir
    Path dir;

    @Test
    void onATeamServerANativeRunBelongsToTheSignedInCallerWhateverTheClientClaims() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            Reply created = f.send(
                    "other",
                    "POST",
                    "/api/v1/projects/bob-project/runs",
                    "{\"id\": \"bobrun01\", \"name\": \"r\", \"user\": \"owner\", \"host\": \"alice-laptop\","
                            + " \"provenance\": {\"jvm\": {\"version\": \"17\"}}}");
            assertEquals(201, created.status(), created.body());
            assertEquals("other", created.json().get("user"));
            RunInfo stored = f.store.run("bobrun01").orElseThrow();
            assertEquals("other", stored.user());
            assertEquals("alice-laptop", stored.host(), "the host stays what the client says: a label, not an owner");
            assertEquals(
                    Map.of("jvm", Map.of("version", "17"), "client", Map.of("user", "owner", "host", "alice-laptop")),
                    f.store.provenance("bobrun01"));
            assertEquals(
                    "other",
                    f.send("other", "GET", "/api/v1/runs/bobrun01", null).json().get("user"));
        }
    }

    @Test
    void onATeamServerAnMlflowRunBelongsToTheSignedInCaller() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            Reply exp = f.send("other", "POST", "/api/2.0/mlflow/experiments/create", "{\"name\": \"bob-exp\"}");
            assertEquals(200, exp.status(), exp.body());
            String id = String.valueOf(exp.json().get("experiment_id"));
            Reply run = f.send(
                    "other",
                    "POST",
                    "/api/2.0/mlflow/runs/create",
                    "{\"experiment_id\": \"" + id
                            + "\", \"user_id\": \"owner\", \"tags\": [{\"key\": \"mlflow.user\", \"value\": \"owner\"}]}");
            assertEquals(200, run.status(), run.body());
            @SuppressWarnings("unchecked")
            Map<String, Object> info =
                    (Map<String, Object>) ((Map<String, Object>) run.json().get("run")).get("info");
            assertEquals("other", info.get("user_id"));
            String runId = String.valueOf(info.get("run_id"));
            assertEquals("other", f.store.run(runId).orElseThrow().user());
            assertEquals(
                    Map.of("user", "owner", "host", "mlflow-api"),
                    f.store.provenance(runId).get("client"));
        }
    }

    @Test
    void onKeelUiAnMlflowRunRecordsTheUserTheClientNamesAndNeverUnknown() {
        try (ServerFixture f = new ServerFixture(dir)) {
            String local = System.getProperty("user.name", "local");
            assertEquals(
                    local,
                    mlflowRunUser(f, "\"user_id\": \"unknown\""),
                    "MLflow's client sends 'unknown' when it knows no one");
            assertEquals(
                    "ada",
                    mlflowRunUser(
                            f, "\"user_id\": \"unknown\", \"tags\": [{\"key\": \"mlflow.user\", \"value\": \"ada\"}]"));
            assertEquals("grace", mlflowRunUser(f, "\"user_id\": \"grace\""));
            ServerFixture.Reply created = f.send(
                    "POST",
                    "/api/v1/projects/p/runs",
                    "{\"id\": \"uirun001\", \"name\": \"r\", \"user\": \"ada\", \"host\": \"ada-laptop\"}");
            assertEquals(201, created.status(), created.body());
            assertEquals("ada", created.json().get("user"), "keel ui keeps what its local clients say");
        }
    }

    @SuppressWarnings("unchecked")
    private static String mlflowRunUser(ServerFixture f, String fields) {
        ServerFixture.Reply run =
                f.send("POST", "/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"0\", " + fields + "}");
        assertEquals(200, run.status(), run.body());
        return String.valueOf(
                ((Map<String, Object>) ((Map<String, Object>) run.json().get("run")).get("info")).get("user_id"));
    }
}
