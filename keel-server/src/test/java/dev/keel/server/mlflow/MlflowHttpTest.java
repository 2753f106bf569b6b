package dev.keel.server.mlflow;

import dev.keel.server.ServerFixture;
import dev.keel.server.ServerFixture.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MLflow's wire protocol where the Java client does not reach: the artifact proxy (the Java
 * client shells out to Python for artifacts), get-history pages, int64 sent as strings, the
 * {@code /ajax-api} alias and error bodies.
 */
class MlflowHttpTest {
    @TempDir
    Path dir;

    ServerFixture fx;

    @BeforeEach
    void start() {
        fx = new ServerFixture(dir);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private String newRun() {
        Reply r = fx.send(
                "POST", "/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"0\",\"start_time\":\"1700000000000\"}");
        assertEquals(200, r.status(), r.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> info =
                (Map<String, Object>) ((Map<String, Object>) r.json().get("run")).get("info");
        return (String) info.get("run_id");
    }

    private Reply put(String path, byte[] bytes) {
        return fx.send(HttpRequest.newBuilder(URI.create(fx.server.url() + path))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .header("Content-Type", "application/octet-stream")
                .build());
    }

    @Test
    void artifactsUploadDownloadAndListThroughTheProxy() {
        String run = newRun();
        String base = "/api/2.0/mlflow-artifacts/artifacts/0/" + run + "/artifacts/";
        assertEquals(
                200, put(base + "model/weights.bin", new byte[] {1, 2, 3, 4}).status());
        Reply up = put(base + "notes.txt", "hello".getBytes());
        assertEquals(200, up.status(), up.body());
        assertEquals("{}", up.body());

        Reply down = fx.get(base + "notes.txt");
        assertEquals(200, down.status());
        assertEquals("hello", down.body());
        assertTrue(down.raw()
                .headers()
                .firstValue("Content-Disposition")
                .orElse("")
                .contains("notes.txt"));

        Reply list = fx.get("/api/2.0/mlflow-artifacts/artifacts?path=0/" + run + "/artifacts");
        assertEquals(
                List.of(
                        Map.of("path", "model", "is_dir", true),
                        Map.of("path", "notes.txt", "is_dir", false, "file_size", 5L)),
                list.json().get("files"));
        Reply sub = fx.get("/api/2.0/mlflow-artifacts/artifacts?path=0/" + run + "/artifacts/model");
        assertEquals(
                List.of(Map.of("path", "weights.bin", "is_dir", false, "file_size", 4L)),
                sub.json().get("files"));
        Reply tracking = fx.get("/api/2.0/mlflow/artifacts/list?run_id=" + run + "&path=model");
        assertEquals(
                List.of(Map.of("path", "model/weights.bin", "is_dir", false, "file_size", 4L)),
                tracking.json().get("files"));
        // the files are the Keel run's files
        assertEquals(2, fx.server.context().store().files(run).size());

        Reply traversal = put(base + "..%2F..%2Fescape.txt", new byte[] {1});
        assertEquals(400, traversal.status(), traversal.body());
        assertEquals("INVALID_PARAMETER_VALUE", traversal.json().get("error_code"));
        assertEquals(404, fx.get(base + "missing.txt").status());
        assertEquals(200, fx.send("DELETE", base + "model", null).status());
        assertEquals(1, fx.server.context().store().files(run).size());
        assertEquals(
                501,
                fx.send("POST", "/api/2.0/mlflow-artifacts/mpu/create/0/" + run + "/artifacts/x", "{}")
                        .status());
    }

    @Test
    void historyPagesOnlyWhenMoreFollowAndInt64MayBeStrings() {
        String run = newRun();
        StringBuilder metrics = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            metrics.append(i == 0 ? "" : ",")
                    .append("{\"key\":\"loss\",\"value\":\"")
                    .append(i == 3 ? "NaN" : "0." + i)
                    .append("\",\"timestamp\":\"")
                    .append(1000 + i)
                    .append("\",\"step\":\"")
                    .append(i)
                    .append("\"}");
        }
        Reply batch = fx.send(
                "POST", "/api/2.0/mlflow/runs/log-batch", "{\"run_id\":\"" + run + "\",\"metrics\":[" + metrics + "]}");
        assertEquals(200, batch.status(), batch.body());

        Reply all = fx.get("/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=loss");
        assertFalse(all.json().containsKey("next_page_token"), "one page when everything fits");
        assertEquals(7, ((List<?>) all.json().get("metrics")).size());
        assertTrue(all.body().contains("\"value\":\"NaN\""), all.body());

        Reply first = fx.get("/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=loss&max_results=5");
        assertEquals(5, ((List<?>) first.json().get("metrics")).size());
        String token = (String) first.json().get("next_page_token");
        Reply second = fx.get("/ajax-api/2.0/mlflow/metrics/get-history?run_id=" + run
                + "&metric_key=loss&max_results=5&page_token=" + token);
        assertEquals(
                List.of(5, 6),
                ((List<?>) second.json().get("metrics"))
                        .stream()
                                .map(m -> ((Number) ((Map<?, ?>) m).get("step")).intValue())
                                .toList());
        assertFalse(second.json().containsKey("next_page_token"));
        Reply bad = fx.get("/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=loss&page_token=%21%21");
        assertEquals(400, bad.status());
        assertEquals("INVALID_PARAMETER_VALUE", bad.json().get("error_code"));
    }

    @Test
    void badInputGetsMlflowErrorsNeverA500() {
        String run = newRun();
        List<String[]> cases = List.of(
                new String[] {
                    "/api/2.0/mlflow/runs/log-metric",
                    "{\"run_id\":\"" + run + "\",\"key\":\"a\",\"value\":true,\"timestamp\":1}"
                },
                new String[] {
                    "/api/2.0/mlflow/runs/log-metric", "{\"run_id\":\"" + run + "\",\"key\":\"a\",\"value\":1}"
                },
                new String[] {
                    "/api/2.0/mlflow/runs/log-metric",
                    "{\"run_id\":\"" + run + "\",\"key\":\"a\",\"value\":1,\"timestamp\":-5}"
                },
                new String[] {
                    "/api/2.0/mlflow/runs/log-parameter", "{\"run_id\":\"" + run + "\",\"key\":\"a=b\",\"value\":\"1\"}"
                },
                new String[] {
                    "/api/2.0/mlflow/runs/log-batch",
                    "{\"run_id\":\"" + run
                            + "\",\"params\":[{\"key\":\"p\",\"value\":\"1\"},{\"key\":\"p\",\"value\":\"1\"}]}"
                },
                new String[] {"/api/2.0/mlflow/runs/log-batch", "{\"run_id\":\"" + run + "\",\"metrics\":\"nope\"}"},
                new String[] {"/api/2.0/mlflow/runs/update", "{\"run_id\":\"" + run + "\",\"status\":\"BOGUS\"}"},
                new String[] {"/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[\"0\"],\"max_results\":50001}"},
                new String[] {
                    "/api/2.0/mlflow/runs/search",
                    "{\"experiment_ids\":[\"0\"],\"filter\":\"metrics.a > 1 or metrics.b < 2\"}"
                },
                new String[] {
                    "/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[\"0\"],\"order_by\":[\"attributes.bogus\"]}"
                },
                new String[] {"/api/2.0/mlflow/experiments/create", "{\"name\":\"\"}"},
                new String[] {"/api/2.0/mlflow/experiments/create", "[1,2]"},
                new String[] {"/api/2.0/mlflow/runs/set-tag", "{not json"});
        for (String[] c : cases) {
            Reply r = fx.send("POST", c[0], c[1]);
            assertEquals(400, r.status(), c[0] + " " + c[1] + " -> " + r.body());
            assertTrue(r.json().get("error_code").toString().matches("INVALID_PARAMETER_VALUE|BAD_REQUEST"), r.body());
        }
        Reply missing = fx.send(
                "POST",
                "/api/2.0/mlflow/runs/log-metric",
                "{\"run_id\":\"nosuchrun\",\"key\":\"a\",\"value\":1,\"timestamp\":1}");
        assertEquals(404, missing.status());
        assertEquals("RESOURCE_DOES_NOT_EXIST", missing.json().get("error_code"));
        Reply tag =
                fx.send("POST", "/api/2.0/mlflow/runs/delete-tag", "{\"run_id\":\"" + run + "\",\"key\":\"absent\"}");
        assertEquals(404, tag.status());
        // nothing of the rejected requests was stored
        assertTrue(fx.server.context().store().metricKeys(run).isEmpty());
        assertTrue(fx.server.context().store().run(run).orElseThrow().config().isEmpty());
    }

    @Test
    void randomRequestsToEveryMlflowEndpointNeverGetA5xx() {
        String run = newRun();
        Random rnd = new Random(42);
        List<String> values = List.of(
                "null",
                "0",
                "-1",
                "1.5",
                "\"x\"",
                "\"\"",
                "\"NaN\"",
                "true",
                "[]",
                "{}",
                "[1]",
                "\"" + "a".repeat(300) + "\"",
                "\"../..\"",
                "1e400",
                "\"" + run + "\"",
                "\"metrics.a > 'x'\"",
                "\"tags.t LIKE '%'\"",
                "\"attributes.end_time < 5\"",
                "[{\"key\":\"k\",\"value\":1,\"timestamp\":1}]",
                "[{\"key\":null}]",
                "[\"x\"]");
        List<String> fields = List.of(
                "experiment_id",
                "name",
                "run_id",
                "key",
                "value",
                "timestamp",
                "step",
                "metrics",
                "params",
                "tags",
                "filter",
                "order_by",
                "max_results",
                "page_token",
                "experiment_ids",
                "status",
                "end_time",
                "run_name",
                "new_name",
                "view_type",
                "run_view_type",
                "metric_key",
                "start_time");
        List<String> endpoints = fx.server.routes().stream()
                .filter(r ->
                        // routes with path parameters and the tracing refusals (always 501) are tested elsewhere
                        r.pattern().startsWith("/api/2.0/mlflow/")
                                && r.method().equals("POST")
                                && !r.pattern().contains("{")
                                && !r.pattern().contains("/traces"))
                .map(r -> r.pattern())
                .toList();
        for (int i = 0; i < 600; i++) {
            StringBuilder body = new StringBuilder("{");
            int n = rnd.nextInt(6);
            for (int f = 0; f < n; f++) {
                body.append(f == 0 ? "" : ",")
                        .append('"')
                        .append(fields.get(rnd.nextInt(fields.size())))
                        .append("\":")
                        .append(values.get(rnd.nextInt(values.size())));
            }
            if (rnd.nextBoolean()) {
                body.append(n == 0 ? "" : ",")
                        .append("\"run_id\":\"")
                        .append(run)
                        .append('"');
            }
            body.append('}');
            String path = endpoints.get(rnd.nextInt(endpoints.size()));
            Reply r = fx.send("POST", path, body.toString());
            assertTrue(r.status() < 500, path + " " + body + " -> " + r.status() + " " + r.body());
        }
        assertEquals(200, fx.get("/api/2.0/mlflow/runs/get?run_id=" + run).status());
        assertEquals(200, fx.get("/healthz").status());
    }
}
