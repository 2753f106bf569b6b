package dev.keel.server.api;

import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep routes' bodies: a bad one is a 400 whose message names the field and what it takes. */
class SweepsApiTest {
    private static final String CONFIG = "name: s\\nmethod: grid\\nmetric:\\n  name: loss\\n  goal: minimize\\n"
            + "parameters:\\n  x:\\n    values: [1, 2]\\nrun_cap: 1\\ncommand: [./run]\\n";

    @TempDir
    Path dir;

    @Test
    void aSweepIsCreatedClaimedAndEndedAndItsJsonHasTheContractsFields() {
        try (ServerFixture f = new ServerFixture(dir)) {
            ServerFixture.Reply created = f.send(
                    "POST", "/api/v1/sweeps", "{\"project\": \"p\", \"name\": \"s\", \"config\": \"" + CONFIG + "\"}");
            assertEquals(201, created.status(), created.body());
            Map<String, Object> sweep = created.json();
            assertEquals(
                    List.of("id", "project", "name", "config", "seed", "state", "created", "updated", "owner"),
                    List.copyOf(sweep.keySet()));
            assertEquals("running", sweep.get("state"));
            String id = (String) sweep.get("id");

            ServerFixture.Reply claim =
                    f.send("POST", "/api/v1/sweeps/" + id + "/claim", "{\"agent\": \"a\", \"runId\": \"abcd1234\"}");
            assertEquals(200, claim.status(), claim.body());
            assertEquals("granted", claim.json().get("outcome"));
            @SuppressWarnings("unchecked")
            Map<String, Object> trial = (Map<String, Object>) claim.json().get("trial");
            assertEquals(
                    List.of(
                            "sweep",
                            "number",
                            "params",
                            "state",
                            "agent",
                            "run",
                            "claimed",
                            "heartbeat",
                            "ended",
                            "metric",
                            "reason"),
                    List.copyOf(trial.keySet()));
            assertEquals(Map.of("x", 1L), trial.get("params"));

            // run_cap 1 from the config: the next agent waits for the running trial
            ServerFixture.Reply second =
                    f.send("POST", "/api/v1/sweeps/" + id + "/claim", "{\"agent\": \"b\", \"runId\": \"abcd5678\"}");
            assertEquals("wait", second.json().get("outcome"), second.body());

            ServerFixture.Reply ended = f.send(
                    "POST",
                    "/api/v1/sweeps/" + id + "/trials/1/end",
                    "{\"agent\": \"a\", \"state\": \"no-metric\", \"metric\": null}");
            assertEquals(200, ended.status(), ended.body());
            assertEquals("no-metric", ended.json().get("state"));
            assertEquals("finished", f.get("/api/v1/sweeps/" + id).json().get("state"));
            assertEquals(
                    1,
                    ((List<?>) f.get("/api/v1/sweeps/" + id + "/trials").json().get("trials")).size());
            assertEquals(
                    1, ((Number) f.get("/api/v1/runs/abcd1234/trial").json().get("number")).intValue());
            assertEquals(404, f.get("/api/v1/runs/abcd5678/trial").status());
        }
    }

    @Test
    void badBodiesAreRefusedNamingTheField() {
        try (ServerFixture f = new ServerFixture(dir)) {
            String id =
                    (String) f.send("POST", "/api/v1/sweeps", "{\"project\": \"p\", \"config\": \"" + CONFIG + "\"}")
                            .json()
                            .get("id");
            String base = "/api/v1/sweeps/" + id;
            refused(f, "POST", "/api/v1/sweeps", "{\"config\": \"" + CONFIG + "\"}", "field 'project' is required");
            refused(
                    f,
                    "POST",
                    "/api/v1/sweeps",
                    "{\"project\": \"a/b\", \"config\": \"" + CONFIG + "\"}",
                    "'a/b' is not a project name");
            refused(f, "POST", "/api/v1/sweeps", "{\"project\": \"p\", \"config\": \"method: sideways\"}", "method");
            refused(
                    f,
                    "POST",
                    "/api/v1/sweeps",
                    "{\"project\": \"p\", \"config\": \"" + CONFIG + "\", \"seed\": 1.5}",
                    "field 'seed' must be a whole number");
            refused(f, "PATCH", base, "{\"state\": \"finished\"}", "becomes finished by itself");
            refused(f, "PATCH", base, "{\"state\": \"asleep\"}", "'asleep' is not a state to set");
            refused(f, "PATCH", base, "{\"state\": \"paused\", \"why\": 1}", "unknown field 'why'");
            refused(f, "POST", base + "/claim", "{\"runId\": \"abcd1234\"}", "field 'agent' is required");
            refused(f, "POST", base + "/claim", "{\"agent\": \"a\", \"runId\": \"NOPE\"}", "'NOPE' is not a run id");
            refused(
                    f,
                    "POST",
                    base + "/claim",
                    "{\"agent\": \"a\", \"runId\": \"abcd1234\", \"staleAfterMillis\": 0}",
                    "field 'staleAfterMillis' must be a positive number");
            refused(f, "POST", base + "/trials/x/heartbeat", "{\"agent\": \"a\"}", "'x' is not a trial number");
            refused(f, "POST", base + "/trials/1/stop", "{\"reason\": \" \"}", "field 'reason' is empty");
            refused(
                    f,
                    "POST",
                    base + "/trials/1/end",
                    "{\"agent\": \"a\", \"state\": \"running\"}",
                    "'running' is not how a trial ends");
            refused(
                    f,
                    "POST",
                    base + "/trials/1/end",
                    "{\"agent\": \"a\", \"state\": \"finished\", \"metric\": \"high\"}",
                    "field 'metric' must be a number");
        }
    }

    private static void refused(ServerFixture f, String method, String path, String body, String says) {
        ServerFixture.Reply r = f.send(method, path, body);
        assertEquals(400, r.status(), method + " " + path + " " + body + ": " + r.body());
        assertTrue(r.body().contains(says), r.body());
    }
}
