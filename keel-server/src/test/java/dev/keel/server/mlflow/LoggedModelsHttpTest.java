package dev.keel.server.mlflow;

import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelVersion;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MLflow 3's logged models over raw HTTP (the Java client predates them), as the Python client
 * calls them from {@code log_model}: create, files through the artifact proxy, finalize, search,
 * tags, params, delete; then registering one as a model version, and tracing's refusal.
 */
class LoggedModelsHttpTest {
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

    private Reply put(String path, byte[] bytes) {
        return fx.send(HttpRequest.newBuilder(URI.create(fx.server.url() + path))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .header("Content-Type", "application/octet-stream")
                .build());
    }

    private String newRun() {
        Reply r = post("runs/create", "{\"experiment_id\":\"0\"}");
        assertEquals(200, r.status(), r.body());
        return (String) map(map(r.json().get("run")).get("info")).get("run_id");
    }

    /** A logged model of {@code run} in experiment 0 holding MLmodel and model.pkl, finalized READY. */
    private Map<String, Object> loggedModel(String run) {
        Reply created = post(
                "logged-models",
                "{\"experiment_id\":\"0\",\"name\":\"model\",\"source_run_id\":\"" + run
                        + "\",\"model_type\":\"sklearn\","
                        + "\"params\":[{\"key\":\"C\",\"value\":\"1.0\"}],\"tags\":[{\"key\":\"flavor\",\"value\":\"sk\"}]}");
        assertEquals(200, created.status(), created.body());
        Map<String, Object> info = map(map(created.json().get("model")).get("info"));
        String id = (String) info.get("model_id");
        assertTrue(id.matches("m-[0-9a-f]{32}"), id);
        assertEquals("LOGGED_MODEL_PENDING", info.get("status"));
        assertEquals("mlflow-artifacts:/0/models/" + id + "/artifacts", info.get("artifact_uri"));
        String base = "/api/2.0/mlflow-artifacts/artifacts/0/models/" + id + "/artifacts/";
        assertEquals(200, put(base + "MLmodel", "flavors: {}".getBytes()).status());
        assertEquals(200, put(base + "model.pkl", new byte[] {7, 7, 7}).status());
        Reply done = fx.send("PATCH", "/api/2.0/mlflow/logged-models/" + id, "{\"status\":\"LOGGED_MODEL_READY\"}");
        assertEquals(200, done.status(), done.body());
        return map(map(done.json().get("model")).get("info"));
    }

    @Test
    void aLoggedModelKeepsItsFilesStatusTagsAndParams() {
        String run = newRun();
        Map<String, Object> info = loggedModel(run);
        String id = (String) info.get("model_id");
        assertEquals("LOGGED_MODEL_READY", info.get("status"));
        assertEquals(run, info.get("source_run_id"));

        Reply list = fx.get("/api/2.0/mlflow-artifacts/artifacts?path=0/models/" + id + "/artifacts");
        assertEquals(
                "[{path=MLmodel, is_dir=false, file_size=11}, {path=model.pkl, is_dir=false, file_size=3}]",
                list.json().get("files").toString());
        Reply file = fx.get("/api/2.0/mlflow-artifacts/artifacts/0/models/" + id + "/artifacts/MLmodel");
        assertEquals("flavors: {}", file.body());
        Reply dirs = fx.get("/api/2.0/mlflow/logged-models/" + id + "/artifacts/directories");
        assertEquals(2, ((List<?>) dirs.json().get("files")).size(), dirs.body());

        assertEquals(
                200,
                fx.send(
                                "PATCH",
                                "/api/2.0/mlflow/logged-models/" + id + "/tags",
                                "{\"tags\":[{\"key\":\"team\",\"value\":\"vision\"}]}")
                        .status());
        assertEquals(
                200,
                fx.send("DELETE", "/api/2.0/mlflow/logged-models/" + id + "/tags/flavor", "{}")
                        .status());
        assertEquals(
                200,
                post("logged-models/" + id + "/params", "{\"params\":[{\"key\":\"penalty\",\"value\":\"l2\"}]}")
                        .status());
        Map<String, Object> model =
                map(fx.get("/api/2.0/mlflow/logged-models/" + id).json().get("model"));
        assertEquals(
                List.of(Map.of("key", "team", "value", "vision")),
                map(model.get("info")).get("tags"));
        assertEquals(
                List.of(Map.of("key", "C", "value", "1.0"), Map.of("key", "penalty", "value", "l2")),
                map(model.get("data")).get("params"));

        Reply search = post("logged-models/search", "{\"experiment_ids\":[\"0\"],\"filter\":\"name = 'model'\"}");
        assertEquals(1, ((List<?>) search.json().get("models")).size(), search.body());
        Reply none = post("logged-models/search", "{\"experiment_ids\":[\"0\"],\"filter\":\"name = 'other'\"}");
        assertEquals(List.of(), none.json().get("models"));

        assertEquals(
                200,
                fx.send("DELETE", "/api/2.0/mlflow/logged-models/" + id, "{}").status());
        Reply gone = fx.get("/api/2.0/mlflow/logged-models/" + id);
        assertEquals(404, gone.status());
        assertEquals("RESOURCE_DOES_NOT_EXIST", gone.json().get("error_code"));
        assertEquals(
                200,
                fx.get("/api/2.0/mlflow/logged-models/" + id + "?allow_deleted=true")
                        .status());
    }

    @Test
    void registeringALoggedModelListsTheSameBlobsAndServesThemByVersion() {
        String run = newRun();
        String id = (String) loggedModel(run).get("model_id");
        assertEquals(
                200, post("registered-models/create", "{\"name\":\"iris\"}").status());
        Reply created = post(
                "model-versions/create",
                "{\"name\":\"iris\",\"source\":\"models:/" + id + "\",\"model_id\":\"" + id + "\"}");
        assertEquals(200, created.status(), created.body());
        Map<String, Object> mv = map(created.json().get("model_version"));
        assertEquals("1", mv.get("version"));
        assertEquals(run, mv.get("run_id"));
        assertEquals(id, mv.get("model_id"));
        assertEquals("READY", mv.get("status"));

        // the version lists the logged model's hashes: no second copy of the bytes
        ModelVersion v = fx.server.context().store().models().version("iris", 1).orElseThrow();
        List<ModelFile> logged =
                fx.server.context().store().mlflowModels().orElseThrow().loggedModelFiles(id);
        assertEquals(logged, v.files());

        Reply uri = fx.get("/api/2.0/mlflow/model-versions/get-download-uri?name=iris&version=1");
        assertEquals("mlflow-artifacts:/registered-models/iris/1", uri.json().get("artifact_uri"));
        Reply list = fx.get("/api/2.0/mlflow-artifacts/artifacts?path=registered-models/iris/1");
        assertEquals(2, ((List<?>) list.json().get("files")).size(), list.body());
        assertEquals(
                "flavors: {}",
                fx.get("/api/2.0/mlflow-artifacts/artifacts/registered-models/iris/1/MLmodel")
                        .body());

        // runs:/RUN/model finds the logged model the run logged under that name, as MLflow 3 does
        Reply second = post("model-versions/create", "{\"name\":\"iris\",\"source\":\"runs:/" + run + "/model\"}");
        assertEquals(200, second.status(), second.body());
        assertEquals(id, map(second.json().get("model_version")).get("model_id"));
    }

    @Test
    void tracingAnswersThatItIsNotSupported() {
        for (String path : List.of("/api/3.0/mlflow/traces/search", "/api/2.0/mlflow/traces")) {
            Reply r = fx.send("POST", path, "{}");
            assertEquals(501, r.status(), path);
            assertEquals("NOT_IMPLEMENTED", r.json().get("error_code"));
            assertTrue(r.message().contains("not supported by this server"), r.body());
        }
        assertEquals(501, fx.get("/api/3.0/mlflow/traces/tr-1").status());
    }

    @Test
    void aSourceThisServerCannotReadIsRefusedByName() {
        assertEquals(200, post("registered-models/create", "{\"name\":\"m\"}").status());
        Reply r = post("model-versions/create", "{\"name\":\"m\",\"source\":\"s3://bucket/model\"}");
        assertEquals(400, r.status());
        assertEquals("INVALID_PARAMETER_VALUE", r.json().get("error_code"));
        assertTrue(r.message().contains("s3://bucket/model"), r.body());
    }
}
