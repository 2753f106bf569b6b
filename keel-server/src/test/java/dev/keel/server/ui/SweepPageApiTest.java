package dev.keel.server.ui;

import dev.keel.core.KeelHome;
import dev.keel.core.data.Visibility;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.TrialState;
import dev.keel.server.ServerFixture;
import dev.keel.server.TeamServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep page's JSON over real HTTP, from sweeps and runs in a real SQLite store. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepPageApiTest {
    static final String PROJECT = "mlp";

    @TempDir
    static Path dir;

    ServerFixture f;
    Sweep sweep;
    Sweep other;
    Sweep live;

    @BeforeAll
    void start() {
        try (Store store = Stores.open(new KeelHome(dir).ensureExists().storeLocation())) {
            sweep = SweepData.sweep(
                    dir,
                    store,
                    PROJECT,
                    "mlp-width",
                    List.of(
                            SweepData.spec(32, 0.01, "adam", TrialState.FINISHED, 0.9, 0.6, 0.52),
                            SweepData.spec(256, 0.001, "adam", TrialState.FINISHED, 0.8, 0.5, 0.41),
                            SweepData.spec(64, 0.1, "sgd", TrialState.STOPPED, 1.2, 1.1),
                            SweepData.spec(128, 0.0001, "sgd", TrialState.FAILED, 2.0),
                            SweepData.spec(128, 0.003, "adam", TrialState.FINISHED, 0.7, 0.45, 0.44)));
            other = SweepData.sweep(
                    dir, store, PROJECT, "second", List.of(SweepData.spec(32, 0.01, "sgd", TrialState.FINISHED, 0.6)));
            live = SweepData.sweep(
                    dir, store, "mlp-live", "live", List.of(SweepData.spec(32, 0.01, "sgd", null, 0.9, 0.7, 0.65)));
        }
        f = new ServerFixture(dir);
    }

    @AfterAll
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOverviewHasTheBestTrialCountsTrialsWithTheirRunsAndImportance() {
        var r = f.get("/api/v1/sweeps/" + sweep.id() + "/overview");
        assertEquals(200, r.status(), r.body());
        Map<String, Object> view = r.json();
        assertEquals("mlp-width", ((Map<String, Object>) view.get("sweep")).get("name"));
        assertEquals("bayes", view.get("method"));
        assertEquals(Map.of("name", "val_loss", "goal", "minimize"), view.get("metric"));
        Map<String, Object> best = (Map<String, Object>) view.get("best");
        assertEquals(2L, best.get("number"));
        assertEquals(0.41, best.get("metric"));
        assertNotNull(best.get("run_name"), "the best run's name, for its link");
        Map<String, Object> counts = (Map<String, Object>) view.get("counts");
        assertEquals(3L, counts.get("finished"));
        assertEquals(1L, counts.get("stopped"));
        assertEquals(1L, counts.get("failed"));
        List<Map<String, Object>> trials = (List<Map<String, Object>>) view.get("trials");
        assertEquals(
                List.of(1L, 2L, 3L, 4L, 5L),
                trials.stream().map(t -> t.get("number")).toList());
        assertEquals(
                List.of(0.52, 0.41, 0.41, 0.41, 0.41),
                trials.stream().map(t -> t.get("best_so_far")).toList());
        assertNull(trials.get(3).get("metric"), "a failed trial has no metric");
        assertEquals("exit 1", trials.get(3).get("reason"));
        for (Map<String, Object> t : trials) {
            assertNotNull(t.get("run_name"), "every trial's run is found: " + t);
            assertEquals("finished", t.get("run_state"));
        }
        List<Map<String, Object>> params = (List<Map<String, Object>>) view.get("parameters");
        assertEquals(
                List.of("hidden", "lr", "optimizer"),
                params.stream().map(p -> p.get("name")).toList());
        assertEquals("log", params.get(1).get("scale"));
        assertEquals(List.of("sgd", "adam"), params.get(2).get("values"));
        Map<String, Object> importance = (Map<String, Object>) view.get("importance");
        assertEquals(4L, importance.get("trials"), "finished and stopped trials with a metric");
        List<Map<String, Object>> byParam = (List<Map<String, Object>>) importance.get("params");
        Map<String, Object> hidden = byParam.get(0);
        assertEquals("hidden", hidden.get("name"));
        assertTrue(((Number) hidden.get("correlation")).doubleValue() < 0, "wider is better here: " + hidden);
        double shares = byParam.stream()
                .mapToDouble(p -> ((Number) p.get("importance")).doubleValue())
                .sum();
        assertEquals(1.0, shares, 1e-9, "the forest's shares of every parameter: " + byParam);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunningTrialShowsTheLastValueItsRunLoggedButIsNeverTheBest() {
        Map<String, Object> view =
                f.get("/api/v1/sweeps/" + live.id() + "/overview").json();
        Map<String, Object> t = ((List<Map<String, Object>>) view.get("trials")).get(0);
        assertEquals("running", t.get("state"));
        assertNull(t.get("metric"));
        assertEquals(0.65, t.get("live_metric"));
        assertNull(view.get("best"));
        assertNull(t.get("best_so_far"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theProjectListsItsSweepsNewestFirstWithTrialsAndBest() {
        var r = f.get("/api/v1/projects/" + PROJECT + "/sweeps");
        assertEquals(200, r.status(), r.body());
        List<Map<String, Object>> sweeps = (List<Map<String, Object>>) r.json().get("sweeps");
        assertEquals(
                List.of(other.id(), sweep.id()),
                sweeps.stream().map(s -> s.get("id")).toList());
        Map<String, Object> first = sweeps.get(1);
        assertEquals(5L, first.get("trials"));
        assertEquals(0.41, ((Map<String, Object>) first.get("best")).get("metric"));
        assertEquals("running", first.get("state"));
        assertEquals(
                List.of(),
                ((List<?>) f.get("/api/v1/projects/nothing-here/sweeps").json().get("sweeps")),
                "a project without sweeps");
    }

    @Test
    @SuppressWarnings("unchecked")
    void groupsBySweepCarryTheSweepsName() {
        var r = f.get("/api/v1/projects/" + PROJECT + "/groups?by=sweep&metrics=summary.val_loss");
        assertEquals(200, r.status(), r.body());
        List<Map<String, Object>> groups = (List<Map<String, Object>>) r.json().get("groups");
        Map<String, Object> g = groups.stream()
                .filter(x -> sweep.id().equals(x.get("value")))
                .findFirst()
                .orElseThrow();
        assertEquals("mlp-width", g.get("label"));
        assertEquals(5L, g.get("count"));
    }

    @Test
    void theEventStreamSendsTheSweepsStateAndEndsWhenAskedForNoMore() {
        var r = f.get("/api/v1/sweeps/" + sweep.id() + "/events?seconds=0");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().startsWith("event: hello\ndata: {\"sweep\":\"" + sweep.id() + "\"}"), r.body());
        assertTrue(
                r.body()
                        .contains("event: sweep\ndata: {\"sweep\":\"" + sweep.id()
                                + "\",\"state\":\"running\",\"total\":5"),
                r.body());
    }

    @Test
    void anUnknownSweepIsNotFound() {
        var r = f.get("/api/v1/sweeps/zzzzzzzz/overview");
        assertEquals(404, r.status());
        assertEquals(
                "sweep zzzzzzzz does not exist (or you may not see it)",
                r.json().get("message"));
        assertEquals(404, f.get("/api/v1/sweeps/zzzzzzzz/events").status());
    }

    @Test
    void aPrivateProjectsSweepIsHiddenFromOthersAndAnonymousCallers(@TempDir Path team) {
        try (TeamServerFixture t = new TeamServerFixture(team, true)) {
            t.projectWithRun("secret", "owner", Visibility.PRIVATE);
            Sweep s = SweepData.sweep(
                    team,
                    t.store,
                    "secret",
                    "hidden-sweep",
                    List.of(SweepData.spec(32, 0.01, "sgd", TrialState.FINISHED, 0.5)));
            for (String path : List.of("/overview", "/events?seconds=0")) {
                String url = "/api/v1/sweeps/" + s.id() + path;
                assertEquals(200, t.send("owner", "GET", url, null).status(), url);
                var other = t.send("other", "GET", url, null);
                assertEquals(404, other.status(), url);
                assertTrue(
                        !other.body().contains("hidden-sweep") && !other.body().contains("secret"), other.body());
                assertEquals(401, t.send(null, "GET", url, null).status(), url);
            }
            assertEquals(
                    404,
                    t.send("other", "GET", "/api/v1/projects/secret/sweeps", null)
                            .status());
        }
    }
}
