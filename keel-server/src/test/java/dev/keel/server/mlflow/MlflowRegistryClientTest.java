package dev.keel.server.mlflow;

import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.RegisteredModel;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.ModelVersionsPage;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official MLflow Java client (2.17.2) against a real Keel server, for every model registry
 * route it has (registered-models/get, get-latest-versions, model-versions/get, search,
 * get-download-uri), plus the registry's writes through its generic {@code sendPost}/
 * {@code sendPatch}. What MLflow registers is Keel's model: Keel's store lists the same versions.
 */
class MlflowRegistryClientTest {
    @TempDir
    Path dir;

    ServerFixture fx;
    MlflowClient client;

    @BeforeEach
    void start() {
        fx = new ServerFixture(dir);
        client = new MlflowClient(fx.server.url());
    }

    @AfterEach
    void stop() {
        client.close();
        fx.close();
    }

    /** A run of experiment 0 whose artifacts hold model/MLmodel and model/model.pkl. */
    private String runWithModelFiles() {
        RunInfo run = client.createRun();
        for (String file : List.of("MLmodel", "model.pkl")) {
            ServerFixture.Reply r = fx.send(HttpRequest.newBuilder(URI.create(fx.server.url()
                            + "/api/2.0/mlflow-artifacts/artifacts/0/" + run.getRunId() + "/artifacts/model/" + file))
                    .PUT(HttpRequest.BodyPublishers.ofString("bytes of " + file))
                    .build());
            assertEquals(200, r.status(), r.body());
        }
        return run.getRunId();
    }

    private void register(String name, String runId) {
        client.sendPost(
                "model-versions/create",
                "{\"name\":\"" + name + "\",\"source\":\"runs:/" + runId + "/model\",\"run_id\":\"" + runId + "\"}");
    }

    @Test
    void versionsRegisteredThroughMlflowAreKeelsAndReadBackThroughTheJavaClient() {
        String run = runWithModelFiles();
        client.sendPost("registered-models/create", "{\"name\":\"churn\",\"description\":\"first try\"}");
        register("churn", run);
        register("churn", run);

        ModelRegistry.RegisteredModel model = client.getRegisteredModel("churn");
        assertEquals("churn", model.getName());
        assertEquals("first try", model.getDescription());
        assertEquals(
                List.of("2"),
                model.getLatestVersionsList().stream()
                        .map(ModelRegistry.ModelVersion::getVersion)
                        .toList());

        ModelRegistry.ModelVersion v1 = client.getModelVersion("churn", "1");
        assertEquals(run, v1.getRunId());
        assertEquals("runs:/" + run + "/model", v1.getSource());
        assertEquals(ModelRegistry.ModelVersionStatus.READY, v1.getStatus());
        assertEquals("None", v1.getCurrentStage());

        // Keel's registry holds the same model: 'keel model ls' and 'versions' show it
        RegisteredModel keel =
                fx.server.context().store().models().model("churn").orElseThrow();
        assertEquals("first try", keel.description());
        List<ModelVersion> versions = fx.server.context().store().models().versions("churn");
        assertEquals(2, versions.size());
        assertEquals(
                List.of("MLmodel", "model.pkl"),
                versions.get(0).files().stream().map(f -> f.path()).toList());
        assertEquals(run, versions.get(0).lineage().runId());

        assertEquals("mlflow-artifacts:/registered-models/churn/1", client.getModelVersionDownloadUri("churn", "1"));
    }

    @Test
    void stagesAliasesAndSearchAsTheJavaClientSeesThem() {
        String run = runWithModelFiles();
        client.sendPost("registered-models/create", "{\"name\":\"churn\"}");
        register("churn", run);
        register("churn", run);
        client.sendPost(
                "model-versions/transition-stage",
                "{\"name\":\"churn\",\"version\":\"1\",\"stage\":\"Production\",\"archive_existing_versions\":false}");
        client.sendPost("registered-models/alias", "{\"name\":\"churn\",\"alias\":\"champion\",\"version\":\"1\"}");

        List<ModelRegistry.ModelVersion> production = client.getLatestVersions("churn", List.of("Production"));
        assertEquals(
                List.of("1"),
                production.stream().map(ModelRegistry.ModelVersion::getVersion).toList());
        assertEquals(
                Map.of("None", "2", "Production", "1"),
                client.getLatestVersions("churn").stream()
                        .collect(Collectors.toMap(
                                ModelRegistry.ModelVersion::getCurrentStage, ModelRegistry.ModelVersion::getVersion)));
        assertEquals(List.of("champion"), client.getModelVersion("churn", "1").getAliasesList());
        assertEquals(1, fx.server.context().store().models().aliases("churn").get("champion"));

        ModelVersionsPage page = client.searchModelVersions("name = 'churn'", 1, List.of("version_number ASC"));
        assertEquals(
                List.of("1"),
                page.getItems().stream()
                        .map(ModelRegistry.ModelVersion::getVersion)
                        .toList());
        assertTrue(page.hasNextPage());
        assertEquals(
                List.of("2"),
                ((ModelVersionsPage) page.getNextPage())
                        .getItems().stream()
                                .map(ModelRegistry.ModelVersion::getVersion)
                                .toList());
        assertEquals(2, client.searchModelVersions().getItems().size());
        assertEquals(0, client.searchModelVersions("run_id = 'nope'").getItems().size());
    }

    @Test
    void missingModelsAndVersionsAnswerMlflowsErrors() {
        MlflowHttpException noModel = assertThrows(MlflowHttpException.class, () -> client.getRegisteredModel("nope"));
        assertEquals(404, noModel.getStatusCode());
        assertTrue(noModel.getBodyMessage().contains("RESOURCE_DOES_NOT_EXIST"), noModel.getBodyMessage());

        client.sendPost("registered-models/create", "{\"name\":\"empty\"}");
        assertEquals(0, client.getRegisteredModel("empty").getLatestVersionsCount());
        MlflowHttpException noVersion =
                assertThrows(MlflowHttpException.class, () -> client.getModelVersion("empty", "1"));
        assertEquals(404, noVersion.getStatusCode());
        MlflowHttpException twice = assertThrows(
                MlflowHttpException.class, () -> client.sendPost("registered-models/create", "{\"name\":\"empty\"}"));
        assertEquals(400, twice.getStatusCode());
        assertTrue(twice.getBodyMessage().contains("RESOURCE_ALREADY_EXISTS"), twice.getBodyMessage());
    }
}
