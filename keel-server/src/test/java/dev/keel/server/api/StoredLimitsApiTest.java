package dev.keel.server.api;

import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.server.ServerFixture;
import dev.keel.server.ServerFixture.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run stored with a config no JSON reader accepts (as Keel stored a 10 MB config key before
 * init checked them) never breaks the server's listings; and the server refuses config and
 * summary trees over the same limits, so it never stores such a run itself.
 */
class StoredLimitsApiTest {
    @TempDir
    Path dir;

    private static RunInfo run(String id, String project, Map<String, Object> config) {
        long now = System.currentTimeMillis();
        return new RunInfo(
                id,
                project,
                "name-" + id,
                "",
                "me",
                List.of(),
                "",
                RunState.FINISHED,
                now,
                now,
                now,
                1,
                "",
                "host1",
                1,
                config,
                Map.of("loss", 0.5));
    }

    private static <T> T quietly(StringBuilder stderr, Supplier<T> body) {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            return body.get();
        } finally {
            System.setErr(old);
            stderr.append(bytes.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyListingShowsTheUnreadableRunWithoutItsConfigAndItCanBeDeleted() {
        try (ServerFixture f = new ServerFixture(dir.resolve("server"))) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("x".repeat(10 * 1024 * 1024), 1L);
            try (Store store = Stores.open(f.home.storeLocation())) {
                store.createRun(run("bad00001", "Default", config), Map.of());
                store.createRun(run("good0001", "Default", Map.of("lr", 0.1)), Map.of());
            }
            StringBuilder err = new StringBuilder();
            List<String> paths = List.of(
                    "/api/v1/projects/Default/runs",
                    "/api/v1/runs",
                    "/api/v1/runs/bad00001",
                    "/api/v1/projects/Default/columns",
                    "/api/v1/projects/Default/runs.csv");
            for (String path : paths) {
                Reply r = quietly(err, () -> f.get(path));
                assertEquals(200, r.status(), path + ": " + r.body());
                assertTrue(r.body().contains("bad00001") || path.endsWith("columns"), path + ": " + r.body());
                assertTrue(r.body().length() < 100_000, path + " does not carry the key");
            }
            Reply one = quietly(err, () -> f.get("/api/v1/runs/bad00001"));
            assertEquals(Map.of(), one.json().get("config"));
            Reply search =
                    quietly(err, () -> f.send("POST", "/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[\"0\"]}"));
            assertEquals(200, search.status(), search.body());
            assertTrue(search.body().contains("bad00001") && search.body().contains("good0001"), search.body());
            assertTrue(
                    err.toString()
                            .contains("keel: warning: run bad00001: its stored config cannot be read (Name"
                                    + " length (10485760) exceeds the maximum allowed (50000"),
                    err.toString());
            assertEquals(
                    1,
                    err.toString().lines().filter(l -> l.contains("bad00001")).count(),
                    "said once, however often the run is read: " + err);

            Reply deleted = quietly(err, () -> f.send("DELETE", "/api/v1/runs/bad00001", null));
            assertTrue(deleted.status() < 300, deleted.body());
            assertEquals(404, f.get("/api/v1/runs/bad00001").status());
        }
    }

    @Test
    void configAndSummaryOverTheLimitsAreRefusedNamingTheKey() {
        try (ServerFixture f = new ServerFixture(dir.resolve("server"))) {
            String longKey = "k".repeat(300);
            Reply created = f.send(
                    "POST",
                    "/api/v1/projects/vision/runs",
                    "{\"id\":\"abcd1234\",\"name\":\"n\"," + "\"config\":{\"optimizer\":{\"" + longKey + "\":1}}}");
            assertEquals(400, created.status(), created.body());
            assertTrue(
                    created.body()
                            .contains(
                                    "field 'config': key \\\"optimizer." + "k".repeat(40) + "…\\\" (300"
                                            + " characters) is longer than the limit of 250; nothing of this request was stored"),
                    created.body());
            assertEquals(404, f.get("/api/v1/runs/abcd1234").status());

            Reply ok = f.send("POST", "/api/v1/projects/vision/runs", "{\"id\":\"abcd1234\",\"name\":\"n\"}");
            assertEquals(201, ok.status(), ok.body());
            // as deep as the server's JSON parser accepts (1,000 levels, the body's own object included)
            String deep = "{\"a\":".repeat(997) + "1" + "}".repeat(997);
            Reply batch = f.send("POST", "/api/v1/runs/abcd1234/batches", "{\"config\":{\"deep\":" + deep + "}}");
            assertEquals(400, batch.status(), batch.body());
            assertTrue(
                    batch.body()
                            .contains("field 'config': key \\\"deep\\\" is nested more than 100 levels deep;"
                                    + " flatten it; nothing of this request was stored"),
                    batch.body());
            Reply text = f.send(
                    "POST",
                    "/api/v1/runs/abcd1234/batches",
                    "{\"summary\":{\"note\":\"" + "t".repeat((1 << 20) + 1) + "\"}}");
            assertEquals(400, text.status(), text.body());
            assertTrue(
                    text.body()
                            .contains("field 'summary': key \\\"note\\\" holds a value of 1,048,577 characters,"
                                    + " more than the limit of 1,048,576"),
                    text.body());
        }
    }
}
