package dev.keel.server.ops;

import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsApiTest {
    @TempDir
    Path dir;

    @Test
    void countsRequestsByRouteMethodAndStatusWithLatencies() throws InterruptedException {
        try (ServerFixture f = new ServerFixture(dir)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, f.get("/healthz").status());
            }
            assertEquals(404, f.get("/api/v1/runs/nosuchrun").status());
            assertEquals(404, f.get("/no/such/route").status());
            String text = settledScrape(f);
            assertTrue(
                    text.contains("keel_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 3\n"),
                    text);
            assertTrue(
                    text.contains(
                            "keel_http_requests_total{route=\"/api/v1/runs/{id}\",method=\"GET\",status=\"404\"} 1\n"),
                    text);
            assertTrue(
                    text.contains("keel_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"),
                    text);
            assertTrue(
                    text.contains("keel_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 3\n"),
                    text);
            assertTrue(text.contains("keel_http_request_duration_seconds_count{route=\"/healthz\"} 3\n"), text);
            assertTrue(text.contains("# TYPE keel_http_request_duration_seconds histogram\n"), text);
            // the scrape itself is in flight while it renders
            assertTrue(text.contains("keel_http_requests_in_flight 1\n"), text);
            assertTrue(text.matches("(?s).*keel_http_pool_threads\\{state=\"total\"} [1-9].*"), text);
            assertTrue(text.matches("(?s).*jvm_memory_used_bytes\\{area=\"heap\"} [1-9][0-9]*\n.*"), text);
            assertTrue(text.contains("jvm_gc_collections_total{gc="), text);
            for (String line : text.split("\n")) {
                assertTrue(
                        line.startsWith("#")
                                || line.matches("[a-z_]+(\\{([a-z_]+=\"([^\"\\\\]|\\\\.)*\",?)*})? [-+0-9.eEInfa]+"),
                        "bad line: " + line);
            }
        }
    }

    /**
     * A request is counted after its last byte is written, so the client may have its answer a
     * moment before the counters move: scrape until the last request made above shows up.
     */
    private static String settledScrape(ServerFixture f) throws InterruptedException {
        String text = "";
        for (int i = 0; i < 100; i++) {
            var reply = f.get("/metrics");
            assertEquals(200, reply.status());
            assertTrue(reply.raw()
                    .headers()
                    .firstValue("Content-Type")
                    .orElse("")
                    .startsWith("text/plain; version=0.0.4"));
            text = reply.body();
            if (text.contains("keel_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n")
                    && text.contains("keel_http_requests_in_flight 1\n")) {
                break;
            }
            Thread.sleep(50);
        }
        return text;
    }

    @Test
    void countsMetricPointsAppliedThroughTheServersStore() {
        try (ServerFixture f = new ServerFixture(dir)) {
            var store = f.server.context().store();
            store.createRun(
                    new RunInfo(
                            "ingest01",
                            "p",
                            "r",
                            "",
                            "me",
                            List.of(),
                            "",
                            RunState.RUNNING,
                            1L,
                            1L,
                            0L,
                            0,
                            "",
                            "host",
                            1,
                            Map.of(),
                            Map.of()),
                    Map.of());
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < 250; i++) {
                batch.metrics.add("loss", i, 1000L + i, 1.0 / (i + 1));
            }
            store.apply("ingest01", batch);
            assertEquals(250, f.server.metrics().pointsApplied());
            String text = f.get("/metrics").body();
            assertTrue(text.contains("keel_ingest_points_total 250\n"), text);
            assertTrue(text.contains("keel_ingest_batches_total 1\n"), text);
            assertEquals(250, store.history("ingest01", "loss").size(), "the write itself went through");
        }
    }

    @Test
    void rendersLabelValuesEscaped() {
        MetricsRegistry r = new MetricsRegistry();
        r.counter("x_total", "Help with \\ and\nnewline.", "k").inc("a\"b\\c\nd");
        assertEquals(
                "# HELP x_total Help with \\\\ and\\nnewline.\n# TYPE x_total counter\n"
                        + "x_total{k=\"a\\\"b\\\\c\\nd\"} 1\n",
                r.scrape());
    }
}
