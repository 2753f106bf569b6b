package dev.keel.server.mlflow;

import dev.keel.server.ServerFixture;
import dev.keel.server.ServerFixture.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Metrics logged against MLflow 3 logged models, over HTTP with the bodies MLflow's Python client
 * sends: {@code log_metric(..., model_id=...)} and {@code log_metrics} (log-batch) carrying
 * {@code model_id}, {@code dataset_name} and {@code dataset_digest}; the points come back in
 * LoggedModel.data.metrics, and {@code search_logged_models} filters (any point, on the searched
 * datasets) and orders (the latest point) by them.
 */
class LoggedModelMetricsHttpTest {
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private Reply post(String path, String body) {
        return fx.send("POST", "/api/2.0/mlflow/" + path, body);
    }

    private String newRun() {
        Reply r = post("runs/create", "{\"experiment_id\":\"0\"}");
        assertEquals(200, r.status(), r.body());
        return (String) map(map(r.json().get("run")).get("info")).get("run_id");
    }

    private String newModel(String run, String name) {
        Reply r = post(
                "logged-models",
                "{\"experiment_id\":\"0\",\"name\":\"" + name + "\",\"source_run_id\":\"" + run + "\"}");
        assertEquals(200, r.status(), r.body());
        return (String) map(map(r.json().get("model")).get("info")).get("model_id");
    }

    /** The names of the models a search finds, in its order. */
    private List<String> search(String body) {
        Reply r = post("logged-models/search", body);
        assertEquals(200, r.status(), r.body());
        List<String> out = new ArrayList<>();
        for (Object m : (List<?>) r.json().get("models")) {
            out.add((String) map(map(m).get("info")).get("name"));
        }
        return out;
    }

    @Test
    void metricsLoggedAgainstAModelComeBackWithItAndAreSearchedAsMlflowDoes() {
        String run = newRun();
        String m1 = newModel(run, "one");
        String m2 = newModel(run, "two");
        String m3 = newModel(run, "three");
        newModel(run, "bare");
        // mlflow.log_metric("accuracy", 0.8, step=0, model_id=m1, dataset=iris)
        Reply one = post(
                "runs/log-metric",
                "{\"run_id\":\"" + run + "\",\"run_uuid\":\"" + run + "\",\"key\":\"accuracy\",\"value\":0.8,"
                        + "\"timestamp\":1000,\"step\":0,\"model_id\":\"" + m1 + "\",\"dataset_name\":\"iris\","
                        + "\"dataset_digest\":\"abc\"}");
        assertEquals(200, one.status(), one.body());
        // mlflow.log_metrics(...) with model_id: one log-batch, points of two models and of the run alone
        Reply batch = post(
                "runs/log-batch",
                "{\"run_id\":\"" + run + "\",\"metrics\":["
                        + "{\"key\":\"accuracy\",\"value\":0.9,\"timestamp\":1000,\"step\":1,\"model_id\":\"" + m2
                        + "\",\"dataset_name\":\"iris\",\"dataset_digest\":\"abc\",\"run_id\":\"" + run + "\"},"
                        + "{\"key\":\"accuracy\",\"value\":0.7,\"timestamp\":2000,\"step\":0,\"model_id\":\"" + m2
                        + "\",\"dataset_name\":\"iris\",\"dataset_digest\":\"abc\",\"run_id\":\"" + run + "\"},"
                        + "{\"key\":\"accuracy\",\"value\":0.95,\"timestamp\":1000,\"step\":0,\"model_id\":\"" + m3
                        + "\",\"dataset_name\":\"wine\",\"dataset_digest\":\"d2\",\"run_id\":\"" + run + "\"},"
                        + "{\"key\":\"loss\",\"value\":0.3,\"timestamp\":1000,\"step\":0}],"
                        + "\"params\":[],\"tags\":[]}");
        assertEquals(200, batch.status(), batch.body());

        Map<String, Object> got =
                map(fx.get("/api/2.0/mlflow/logged-models/" + m1).json().get("model"));
        assertEquals(
                "[{key=accuracy, value=0.8, timestamp=1000, step=0, dataset_name=iris, dataset_digest=abc, model_id="
                        + m1 + ", run_id=" + run + "}]",
                String.valueOf(map(got.get("data")).get("metrics")));
        Map<String, Object> second =
                map(fx.get("/api/2.0/mlflow/logged-models/" + m2).json().get("model"));
        assertEquals(2, ((List<?>) map(second.get("data")).get("metrics")).size());

        // the run keeps the points too, as MLflow's run history does
        Reply history = fx.get("/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=accuracy");
        assertEquals(4, ((List<?>) history.json().get("metrics")).size(), history.body());

        // a filter matches any point; with datasets, any point on one of them
        assertEquals(
                List.of("two", "three"),
                search("{\"experiment_ids\":[\"0\"],\"filter\":\"metrics.accuracy > 0.85\","
                        + "\"order_by\":[{\"field_name\":\"name\",\"ascending\":false}]}"));
        assertEquals(
                List.of("two"),
                search("{\"experiment_ids\":[\"0\"],\"filter\":\"metrics.accuracy > 0.85\","
                        + "\"datasets\":[{\"dataset_name\":\"iris\",\"dataset_digest\":\"abc\"}]}"));
        assertEquals(
                List.of("three"), search("{\"experiment_ids\":[\"0\"],\"datasets\":[{\"dataset_name\":\"wine\"}]}"));
        // an order sorts by the latest point (newest timestamp, then step), models without one last
        assertEquals(
                List.of("three", "one", "two", "bare"),
                search("{\"experiment_ids\":[\"0\"],\"order_by\":[{\"field_name\":\"metrics.accuracy\","
                        + "\"ascending\":false}]}"));
        // on one dataset: the other models have no such point and come after, in creation order
        assertEquals(
                List.of("two", "one"),
                search("{\"experiment_ids\":[\"0\"],\"order_by\":[{\"field_name\":\"metrics.accuracy\","
                                + "\"ascending\":true,\"dataset_name\":\"iris\",\"dataset_digest\":\"abc\"}]}")
                        .subList(0, 2));

        Reply bad = post("logged-models/search", "{\"experiment_ids\":[\"0\"],\"filter\":\"metrics.accuracy > 'x'\"}");
        assertEquals(400, bad.status(), bad.body());
        Reply noName =
                post("logged-models/search", "{\"experiment_ids\":[\"0\"],\"datasets\":[{\"dataset_digest\":\"x\"}]}");
        assertEquals("`dataset_name` in the `datasets` clause must be specified.", noName.message());
    }

    @Test
    void aPointNamingAMissingModelStoresNothing() {
        String run = newRun();
        Reply r = post(
                "runs/log-metric",
                "{\"run_id\":\"" + run + "\",\"key\":\"ghost\",\"value\":1.0,\"timestamp\":1000,\"step\":0,"
                        + "\"model_id\":\"m-00000000000000000000000000000000\"}");
        assertEquals(404, r.status(), r.body());
        assertTrue(
                r.message().startsWith("Logged model with ID 'm-00000000000000000000000000000000' not found"),
                r.body());
        Reply history = fx.get("/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=ghost");
        Object points = history.json().get("metrics");
        assertTrue(points == null || ((List<?>) points).isEmpty(), history.body());
    }
}
