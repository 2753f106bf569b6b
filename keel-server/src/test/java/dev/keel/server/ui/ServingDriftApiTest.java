package dev.keel.server.ui;

import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /api/v1/models/NAME/versions/N/drift} over real HTTP, against the runs of {@link ServingRuns}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServingDriftApiTest {
    @TempDir
    static Path dir;

    ServerFixture f;
    ServingRuns seeded;

    @BeforeAll
    void start() throws IOException {
        seeded = ServingRuns.seed(dir);
        f = new ServerFixture(dir);
    }

    @AfterAll
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> runs(Map<String, Object> drift) {
        return (List<Map<String, Object>>) drift.get("runs");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> latest(Map<String, Object> run) {
        return (Map<String, Object>) run.get("latest");
    }

    @Test
    void listsTheVersionsServingRunsOfTheModelsProjectRecentFirstWithTheirLatestPsiAndStatus() {
        ServerFixture.Reply r = f.get("/api/v1/models/apparel/versions/1/drift");
        assertEquals(200, r.status(), r.body());
        Map<String, Object> drift = r.json();
        assertEquals("vision", drift.get("project"));
        assertEquals(Map.of("moderate", 0.1, "drifted", 0.25), drift.get("thresholds"));
        List<Map<String, Object>> runs = runs(drift);
        // v2only served another version; elsewhere is another project's run naming the model
        assertEquals(
                List.of(seeded.drifting, seeded.quiet, seeded.promoted),
                runs.stream().map(x -> x.get("id")).toList());
        assertEquals(
                List.of("drifted", "no data", "stable"),
                runs.stream().map(x -> x.get("status")).toList());
        assertEquals(0.31, latest(runs.get(0)).get("psi_input"));
        assertEquals(0.12, latest(runs.get(0)).get("psi_classes"));
        assertEquals(2, ((List<?>) runs.get(0).get("points")).size());
        assertNull(runs.get(1).get("latest"));
        // the promoted run's intervals after the promotion belong to v2, not to v1's page
        assertEquals(0.04, latest(runs.get(2)).get("psi_input"));
        assertEquals(2, ((List<?>) runs.get(2).get("points")).size());
        assertTrue(!r.body().contains(seeded.elsewhere) && !r.body().contains(seeded.v2only), r.body());
    }

    @Test
    void aPromotionMovesTheRunsLaterIntervalsToTheNewVersion() {
        Map<String, Object> drift =
                f.get("/api/v1/models/apparel/versions/v2/drift").json();
        List<Map<String, Object>> runs = runs(drift);
        assertEquals(
                List.of(seeded.v2only, seeded.promoted),
                runs.stream().map(x -> x.get("id")).toList());
        assertEquals(
                List.of("stable", "drifted"),
                runs.stream().map(x -> x.get("status")).toList());
        assertEquals(0.5, latest(runs.get(1)).get("psi_input"));
        assertEquals(1, ((List<?>) runs.get(1).get("points")).size());
    }

    @Test
    void anUnknownVersionOrModelIsA404AndABadVersionA400() {
        assertEquals(404, f.get("/api/v1/models/apparel/versions/9/drift").status());
        assertEquals(404, f.get("/api/v1/models/nope/versions/1/drift").status());
        ServerFixture.Reply bad = f.get("/api/v1/models/apparel/versions/x1/drift");
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.message().contains("is not a version"), bad.message());
    }

    @Test
    void statusReadsTheWorseOfTheTwoPsis() {
        assertEquals("stable", ServingDriftApi.status(point(0.01, 0.099)));
        assertEquals("moderate", ServingDriftApi.status(point(0.1, null)));
        assertEquals("moderate", ServingDriftApi.status(point(0.02, 0.25)));
        assertEquals("drifted", ServingDriftApi.status(point(null, 0.2501)));
        assertEquals("no data", ServingDriftApi.status(point(null, null)));
    }

    private static Map<String, Object> point(Double input, Double classes) {
        Map<String, Object> m = new HashMap<>();
        m.put("psi_input", input);
        m.put("psi_classes", classes);
        return m;
    }
}
