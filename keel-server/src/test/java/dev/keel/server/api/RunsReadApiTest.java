package dev.keel.server.api;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunsReadApiTest {
    @TempDir
    Path dir;

    private String logRun(String name, double lr, int steps) {
        RunOptions options = RunOptions.builder()
                .project("vision")
                .name(name)
                .home(dir)
                .config(Map.of("lr", lr))
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        try (Run run = Keel.init(options)) {
            for (int i = 0; i < steps; i++) {
                run.log(Map.of("loss", 1.0 / (i + 1) + lr, "system/cpu", 50 + i));
            }
            return run.id();
        }
    }

    @Test
    void listsSearchesAndReadsRunsOverHttp() {
        String a = logRun("alpha", 0.1, 5);
        String b = logRun("beta", 0.01, 3);
        try (ServerFixture f = new ServerFixture(dir)) {
            var projects = f.get("/api/v1/projects");
            assertEquals(200, projects.status(), projects.body());
            assertTrue(projects.body().contains("\"vision\""), projects.body());

            var sorted = f.get("/api/v1/projects/vision/runs?sort=-config.lr&limit=1");
            assertEquals(200, sorted.status(), sorted.body());
            List<?> runs = (List<?>) sorted.json().get("runs");
            assertEquals(1, runs.size());
            assertEquals(a, ((Map<?, ?>) runs.get(0)).get("id"));
            assertEquals(2L, sorted.json().get("total"));

            var filtered = f.get("/api/v1/projects/vision/runs?filter="
                    + URLEncoder.encode("config.lr < 0.05", StandardCharsets.UTF_8));
            assertEquals(
                    List.of(b),
                    ((List<?>) filtered.json().get("runs"))
                            .stream().map(r -> ((Map<?, ?>) r).get("id")).toList());

            var run = f.get("/api/v1/runs/" + b).json();
            assertEquals("finished", run.get("state"));
            assertEquals("beta", run.get("name"));

            var history = f.get("/api/v1/runs/" + a + "/metrics/system/cpu").json();
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), history.get("steps"));
            assertEquals(54.0, ((Number) ((List<?>) history.get("values")).get(4)).doubleValue());
        }
    }

    @Test
    void errorsAreJsonWithTheRightStatus() {
        try (ServerFixture f = new ServerFixture(dir)) {
            var missing = f.get("/api/v1/runs/zzzzzzzz");
            assertEquals(404, missing.status());
            assertEquals("RESOURCE_DOES_NOT_EXIST", missing.json().get("error_code"));

            var badFilter =
                    f.get("/api/v1/projects/vision/runs?filter=" + URLEncoder.encode("lr <<", StandardCharsets.UTF_8));
            assertEquals(400, badFilter.status(), badFilter.body());
            assertTrue(((String) badFilter.json().get("message")).contains("filter"), badFilter.body());

            var badLimit = f.get("/api/v1/projects/vision/runs?limit=abc");
            assertEquals(400, badLimit.status());
            assertTrue(((String) badLimit.json().get("message")).contains("'limit'"));

            var noRoute = f.get("/api/v1/nothing-here");
            assertEquals(404, noRoute.status());
            assertEquals("ENDPOINT_NOT_FOUND", noRoute.json().get("error_code"));

            var wrongMethod = f.send("DELETE", "/api/v1/projects", null);
            assertEquals(405, wrongMethod.status());
            assertTrue(wrongMethod.raw().headers().firstValue("X-Request-Id").isPresent());
        }
    }
}
