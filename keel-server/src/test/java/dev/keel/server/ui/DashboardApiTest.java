package dev.keel.server.ui;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.Json;
import dev.keel.core.KeelHome;
import dev.keel.core.provenance.Reproductions;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routes only the dashboard uses, over real HTTP against an embedded server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardApiTest {
    @TempDir
    static Path dir;

    ServerFixture f;
    String a;
    String b;

    @BeforeAll
    void start() {
        a = log("alpha", 0.1, "adam", 3000);
        b = log("=cmd|' /C calc'!A0", 0.01, "sgd", 10);
        f = new ServerFixture(dir);
    }

    @AfterAll
    void stop() {
        f.close();
    }

    private String log(String name, double lr, String optimizer, int steps) {
        RunOptions options = RunOptions.builder()
                .project("vision")
                .name(name)
                .home(dir)
                .config(Map.of("lr", lr, "optimizer", optimizer))
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        try (Run run = Keel.init(options)) {
            for (int i = 0; i < steps; i++) {
                run.log(Map.of("loss", i == 1234 ? 50.0 : 1.0 / (i + 1), "val_loss", 2.0 / (i + 1) + lr));
            }
            return run.id();
        }
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void seriesAreDownsampledForManyRunsAndKeysAtOnce() {
        var r = f.get("/api/v1/series?runs=" + a + "," + b + "&keys=loss,val_loss,missing&points=200");
        assertEquals(200, r.status(), r.body());
        List<?> series = (List<?>) r.json().get("series");
        assertEquals(4, series.size(), "2 runs × 2 present keys");
        Map<?, ?> first = (Map<?, ?>) series.get(0);
        assertEquals(a, first.get("run"));
        assertEquals("loss", first.get("key"));
        assertEquals(3000L, first.get("total"));
        List<?> values = (List<?>) first.get("values");
        assertTrue(values.size() <= 200, "downsampled to " + values.size());
        assertTrue(values.contains(50.0), "the spike at step 1234 is kept");
        assertEquals(10, ((List<?>) ((Map<?, ?>) series.get(2)).get("steps")).size(), "short series whole");

        var single = f.get("/api/v1/runs/" + a + "/metrics/loss?points=100").json();
        assertTrue(((List<?>) single.get("steps")).size() <= 100);
        assertTrue(((List<?>) single.get("values")).contains(50.0));
    }

    @Test
    void seriesRequestsNameWhatIsWrong() {
        var missing = f.get("/api/v1/series?keys=loss");
        assertEquals(400, missing.status());
        assertEquals(
                "query parameter 'runs' is required: a comma-separated list",
                missing.json().get("message"));
        var points = f.get("/api/v1/series?runs=" + a + "&keys=loss&points=2");
        assertEquals(400, points.status());
        assertTrue(((String) points.json().get("message")).contains("'points'"), points.body());
        var unknown = f.get("/api/v1/series?runs=zzzzzzzz&keys=loss");
        assertEquals(404, unknown.status());
        assertEquals(
                "run zzzzzzzz does not exist (or you may not see it)",
                unknown.json().get("message"));
    }

    @Test
    void notesAndTagsAreEditedThroughTheStore() {
        var r = f.send(
                "PATCH",
                "/api/v1/runs/" + b,
                "{\"notes\": \"<b>bold</b> idea\", \"tags\": [\"best\", \" best \", \"x\"]}");
        assertEquals(200, r.status(), r.body());
        var run = f.get("/api/v1/runs/" + b).json();
        assertEquals("<b>bold</b> idea", run.get("notes"));
        assertEquals(List.of("best", "x"), run.get("tags"));

        var unknownField = f.send("PATCH", "/api/v1/runs/" + b, "{\"name\": \"x\"}");
        assertEquals(400, unknownField.status());
        assertEquals(
                "unknown field 'name': only 'notes' and 'tags' can be edited here",
                unknownField.json().get("message"));
        var badTags = f.send("PATCH", "/api/v1/runs/" + b, "{\"tags\": \"best\"}");
        assertEquals(400, badTags.status());
        assertEquals("field 'tags' must be an array of strings", badTags.json().get("message"));
        var tooLong = f.send("PATCH", "/api/v1/runs/" + b, "{\"notes\": \"" + "n".repeat(20_001) + "\"}");
        assertEquals(400, tooLong.status());
        var nothing = f.send("PATCH", "/api/v1/runs/" + b, "{}");
        assertEquals(400, nothing.status());
        var gone = f.send("PATCH", "/api/v1/runs/zzzzzzzz", "{\"notes\": \"\"}");
        assertEquals(404, gone.status());
        assertEquals("<b>bold</b> idea", f.get("/api/v1/runs/" + b).json().get("notes"), "failed edits change nothing");
    }

    @Test
    void csvExportFollowsFilterSortAndColumnsAndDefusesFormulas() {
        var r = f.get("/api/v1/projects/vision/runs.csv?sort=config.lr&columns=name,config.lr,summary.val_loss,state");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        String[] lines = r.body().split("\r\n");
        assertEquals("name,config.lr,summary.val_loss,state", lines[0]);
        assertEquals("\"'=cmd|' /C calc'!A0\",0.01," + (2.0 / 10 + 0.01) + ",finished", lines[1]);
        assertTrue(lines[2].startsWith("alpha,0.1,"), lines[2]);
        var filtered = f.get("/api/v1/projects/vision/runs.csv?columns=name&filter=" + q("config.optimizer = adam"));
        assertEquals("name\r\nalpha\r\n", filtered.body());
        var bad = f.get("/api/v1/projects/vision/runs.csv?filter=" + q("lr <<"));
        assertEquals(400, bad.status());
    }

    @Test
    void groupsAggregateMetricsPerValue() {
        var r = f.get("/api/v1/projects/vision/groups?by=config.optimizer&metrics=summary.val_loss");
        assertEquals(200, r.status(), r.body());
        List<?> groups = (List<?>) r.json().get("groups");
        assertEquals(2, groups.size());
        Map<?, ?> adam = (Map<?, ?>) groups.get(0);
        assertEquals("adam", adam.get("value"));
        assertEquals(1L, adam.get("count"));
        Map<?, ?> stat = (Map<?, ?>) ((Map<?, ?>) adam.get("metrics")).get("summary.val_loss");
        assertEquals(stat.get("min"), stat.get("max"));
        assertEquals(400, f.get("/api/v1/projects/vision/groups").status());
    }

    @Test
    void columnsListConfigSummaryAndMetricKeys() {
        var c = f.get("/api/v1/projects/vision/columns").json();
        assertEquals(List.of("lr", "optimizer"), c.get("config"));
        assertTrue(((List<?>) c.get("summary")).contains("val_loss"));
        assertEquals(List.of("loss", "val_loss"), c.get("metrics"));
    }

    @Test
    void columnsNameTheKeysWhoseValuesDifferBetweenRuns() {
        for (double lr : new double[] {0.1, 0.01}) {
            RunOptions options = RunOptions.builder()
                    .project("tabular")
                    .home(dir)
                    .systemMetrics(false)
                    .captureConsole(false)
                    .config(Map.of(
                            "lr",
                            lr,
                            "seed",
                            42,
                            "data",
                            Map.of("sha256", "ab".repeat(32), "rows", lr > 0.05 ? 10 : 20)))
                    .build();
            try (Run run = Keel.init(options)) {
                run.summary().put("accuracy", 0.8 + lr);
                run.summary().put("classes", 10);
            }
        }
        var c = f.get("/api/v1/projects/tabular/columns").json();
        assertEquals(List.of("data.rows", "data.sha256", "lr", "seed"), c.get("config"));
        assertEquals(List.of("config.data.rows", "config.lr", "summary.accuracy"), c.get("differing"));
    }

    @Test
    void reproduceOffersOnlyCommandsTheCliHas() {
        RunOptions options = RunOptions.builder()
                .project("repro")
                .home(dir)
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        String failed;
        try (Run run = Keel.init(options)) {
            failed = run.id();
            run.fail(new IllegalStateException("out of memory"));
        }
        List<String> finished = commands(a);
        assertTrue(finished.contains("keel run show " + a), finished.toString());
        assertTrue(
                finished.stream().noneMatch(c -> c.startsWith("keel run resume")),
                "a finished run is not resumed: " + finished);
        assertTrue(
                commands(failed).contains("keel run resume " + failed),
                commands(failed).toString());
    }

    @Test
    void reproduceListsTheVerdictsOfARunsReproductionsAndAReproductionNamesItsOriginal() {
        String original = log("vision-repro", "original");
        String copy = log("vision-repro", "copy");
        String unrelated = log("vision-repro", "unrelated");
        // as keel reproduce records its verdict (keel-cli's ReproductionRecord)
        try (Store store = Stores.open(new KeelHome(dir).storeLocation())) {
            WriteBatch w = new WriteBatch();
            w.provenance.put(Reproductions.REPRODUCES, original);
            w.provenance.put(
                    Reproductions.RECORD,
                    Map.of(
                            "of",
                            original,
                            "verdict",
                            "diverged",
                            "step",
                            3,
                            "key",
                            "loss",
                            "left",
                            "0.251",
                            "right",
                            "0.254",
                            "points",
                            20,
                            "exit_code",
                            0,
                            "environment",
                            List.of("threads OMP_NUM_THREADS: 1 → 4")));
            w.tags = List.of(Reproductions.tag(original));
            store.apply(copy, w);
        }
        Map<String, Object> r = f.get("/api/v1/runs/" + original + "/reproduce").json();
        List<?> copies = (List<?>) r.get("reproductions");
        assertEquals(1, copies.size(), r.toString());
        Map<?, ?> only = (Map<?, ?>) copies.get(0);
        assertEquals(copy, only.get("run"));
        assertEquals("copy", only.get("name"));
        Map<?, ?> record = (Map<?, ?>) only.get("record");
        assertEquals("diverged", record.get("verdict"));
        assertEquals(3L, ((Number) record.get("step")).longValue());
        assertEquals("0.254", record.get("right"));
        assertNull(r.get("reproduces"), "the original reproduces nothing");

        Map<String, Object> back = f.get("/api/v1/runs/" + copy + "/reproduce").json();
        Map<?, ?> of = (Map<?, ?>) back.get("reproduces");
        assertEquals(original, of.get("run"));
        assertEquals("original", of.get("name"));
        assertEquals("diverged", ((Map<?, ?>) of.get("record")).get("verdict"));
        assertEquals(List.of(), back.get("reproductions"));
        assertEquals(
                List.of(),
                f.get("/api/v1/runs/" + unrelated + "/reproduce").json().get("reproductions"));
    }

    private String log(String project, String name) {
        RunOptions options = RunOptions.builder()
                .project(project)
                .name(name)
                .home(dir)
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        try (Run run = Keel.init(options)) {
            run.log(Map.of("loss", 0.25), 0);
            return run.id();
        }
    }

    @Test
    void envDiffNamesWhatDiffersBetweenTwoRuns() {
        var r = f.get("/api/v1/runs/" + a + "/env-diff?to=" + b);
        assertEquals(200, r.status(), r.body());
        Map<String, Object> d = r.json();
        assertEquals(a, d.get("run1"));
        assertEquals(b, d.get("run2"));
        assertEquals(false, d.get("identical"));
        List<?> differences = (List<?>) d.get("differences");
        assertTrue(
                differences.contains(Map.of(
                        "section", "config", "key", "optimizer", "kind", "changed", "left", "adam", "right", "sgd")),
                differences.toString());
        assertEquals(
                true, f.get("/api/v1/runs/" + a + "/env-diff?to=" + a).json().get("identical"));

        var missing = f.get("/api/v1/runs/" + a + "/env-diff");
        assertEquals(400, missing.status());
        assertEquals("query parameter 'to' is required: the id of the run to compare with", missing.message());
        var unknown = f.get("/api/v1/runs/" + a + "/env-diff?to=zzzzzzzz");
        assertEquals(404, unknown.status());
        assertEquals("run zzzzzzzz does not exist (or you may not see it)", unknown.message());
    }

    private List<String> commands(String run) {
        var r = f.get("/api/v1/runs/" + run + "/reproduce");
        assertEquals(200, r.status(), r.body());
        return ((List<?>) r.json().get("commands"))
                .stream().map(c -> (String) ((Map<?, ?>) c).get("command")).toList();
    }

    @Test
    void runEventsStreamStateAndNewPointsOfARunningRun() throws Exception {
        RunOptions options = RunOptions.builder()
                .project("vision")
                .name("live")
                .home(dir)
                .systemMetrics(false)
                .captureConsole(false)
                .flushInterval(Duration.ofMillis(200))
                .build();
        HttpClient http = HttpClient.newHttpClient();
        try (Run run = Keel.init(options)) {
            run.log(Map.of("loss", 1.0));
            run.flush();
            HttpResponse<InputStream> stream = http.send(
                    HttpRequest.newBuilder(URI.create(f.server.url() + "/api/v1/runs/" + run.id() + "/events"))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(
                    "text/event-stream; charset=utf-8",
                    stream.headers().firstValue("Content-Type").orElse(""));
            BlockingQueue<String> events = new ArrayBlockingQueue<>(1000);
            Thread reader = new Thread(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        events.add(line);
                    }
                } catch (Exception ignored) {
                    // the test closes the stream
                }
            });
            reader.setDaemon(true);
            reader.start();
            long offset = nextRunOffset(events, -1);
            run.log(Map.of("loss", 0.5));
            long later = nextRunOffset(events, offset);
            assertTrue(later > offset, "a new run event after log(): " + offset + " -> " + later);
            stream.body().close();
        }
    }

    private static long nextRunOffset(BlockingQueue<String> events, long after) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean inRun = false;
        while (System.nanoTime() < deadline) {
            String line = events.poll(100, TimeUnit.MILLISECONDS);
            if (line == null) {
                continue;
            }
            if (line.equals("event: run")) {
                inRun = true;
            } else if (inRun && line.startsWith("data: ")) {
                Map<String, Object> data = Json.readMap(line.substring(6));
                long offset = ((Number) data.get("log_offset")).longValue();
                inRun = false;
                if (offset > after) {
                    return offset;
                }
            }
        }
        throw new AssertionError("no run event with an offset above " + after + " within 10 s");
    }

    @Test
    void pagesAndAssetsAreServedFromTheClasspathOnly() {
        var page = f.get("/runs/" + a);
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<script type=\"module\" src=\"/ui/app.js\">"));
        assertNotNull(page.raw().headers().firstValue("Content-Security-Policy").orElse(null));
        var js = f.get("/ui/app.js");
        assertEquals(200, js.status());
        assertTrue(js.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        var uplot = f.get("/vendor/uplot.js");
        assertEquals(200, uplot.status());
        assertTrue(uplot.body().contains("export"), "uPlot's ES module from its WebJar");
        assertEquals(400, f.get("/ui/..%2F..%2FKeelServer.class").status(), "refused by the router before any handler");
        assertEquals(404, f.get("/ui/nothing.js").status());
    }
}
