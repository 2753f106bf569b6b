package dev.keel.serve;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.Json;
import dev.keel.core.KeelHome;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a serving run's monitor logs is what the dashboard's drift panel reads: a real
 * {@link ModelServer} recording into a run (configured as {@code keel serve} configures it) is
 * sent black images until an interval holds enough answers for PSI, and the Keel server's
 * {@code GET /api/v1/models/tiny/versions/1/drift} then lists the run. The tiny model's baseline
 * puts every training image in the darkest intensity bin and spreads the labels evenly, while v1
 * answers "b" every time: the inputs read as stable and the classes as drifted.
 */
class ServeDriftEndToEndTest {
    /** Answers per request; requests follow each other until an interval held enough for PSI (100). */
    static final int ANSWERS = 50;

    /**
     * Long enough for an interval to collect 100 answers on a loaded machine (20 a second), short
     * enough for the test to see a few intervals.
     */
    static final long INTERVAL_MS = 5_000;

    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theMonitorsPsiReachesTheModelVersionsDriftPanel() throws Exception {
        try (TinyModels models = new TinyModels(tmp.resolve("keel"))) {
            models.register(1);
            models.alias("production", 1);
            ServeOptions options = ServeOptions.of("tiny@production")
                    .port(0)
                    .monitorMs(INTERVAL_MS)
                    .workDir(tmp.resolve("work"));
            try (Run run = Keel.init(RunOptions.builder()
                            .home(models.home)
                            .project("serve-tests")
                            .tags("serve")
                            .config(options.runConfig())
                            .systemMetrics(false)
                            .captureConsole(false)
                            .build());
                    ModelServer served = ModelServer.start(models.registry, options, run);
                    KeelServer keel = KeelServer.embedded(new KeelHome(models.home), ServerSettings.local(0))
                            .start()) {
                String b64 = Base64.getEncoder().encodeToString(ModelServerTest.png(4, 4));
                String batch = "{\"instances\": ["
                        + String.join(", ", Collections.nCopies(ANSWERS, "{\"b64\": \"" + b64 + "\"}")) + "]}";
                long deadline = System.nanoTime() + 180_000_000_000L;
                Map<String, Object> listed = null;
                while (listed == null || "no data".equals(listed.get("status"))) {
                    if (System.nanoTime() > deadline) {
                        fail("no interval's PSI reached the drift panel; last answer: " + listed);
                    }
                    HttpResponse<String> p = http.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + served.port() + "/v1/models/tiny:predict"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(batch))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, p.statusCode(), p.body());
                    HttpResponse<String> d = http.send(
                            HttpRequest.newBuilder(URI.create(keel.url() + "/api/v1/models/tiny/versions/1/drift"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, d.statusCode(), d.body());
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> runs =
                            (List<Map<String, Object>>) Json.readMap(d.body()).get("runs");
                    // the run is listed from its first logged version on, and no other run is
                    assertTrue(runs.size() <= 1, d.body());
                    listed = runs.isEmpty() ? null : runs.get(0);
                    if (listed != null) {
                        assertEquals(run.id(), listed.get("id"));
                    }
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> latest = (Map<String, Object>) listed.get("latest");
                assertTrue(((Number) latest.get("psi_input")).doubleValue() < 0.1, latest.toString());
                assertTrue(((Number) latest.get("psi_classes")).doubleValue() > 0.25, latest.toString());
                assertEquals("drifted", listed.get("status"));
            }
        }
    }
}
