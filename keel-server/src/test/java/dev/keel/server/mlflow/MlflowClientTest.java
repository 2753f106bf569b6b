package dev.keel.server.mlflow;

import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.RunQuery;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.ExperimentsPage;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.RunsPage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official MLflow Java client (2.17.2) against a real Keel server on 127.0.0.1: what it logs
 * is read back equal through the client and through Keel's own store and API.
 */
@SuppressWarnings("deprecation") // the searchRuns overloads MLflow deprecated are still what its users call
class MlflowClientTest {
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

    private static Map<String, String> params(Run run) {
        return run.getData().getParamsList().stream().collect(Collectors.toMap(Param::getKey, Param::getValue));
    }

    private static Map<String, String> tags(Run run) {
        return run.getData().getTagsList().stream().collect(Collectors.toMap(RunTag::getKey, RunTag::getValue));
    }

    private static Map<String, Metric> metrics(Run run) {
        return run.getData().getMetricsList().stream().collect(Collectors.toMap(Metric::getKey, Function.identity()));
    }

    private static Metric metric(String key, double value, long ts, long step) {
        return Metric.newBuilder()
                .setKey(key)
                .setValue(value)
                .setTimestamp(ts)
                .setStep(step)
                .build();
    }

    @Test
    void experimentsAreKeelProjectsWithStableIds() {
        Experiment dflt = client.getExperiment("0");
        assertEquals("Default", dflt.getName());
        String id = client.createExperiment("apparel");
        assertEquals(id, client.getExperimentByName("apparel").orElseThrow().getExperimentId());
        assertTrue(client.getExperimentByName("nope").isEmpty());
        Experiment e = client.getExperiment(id);
        assertEquals("active", e.getLifecycleStage());
        assertEquals("mlflow-artifacts:/" + id, e.getArtifactLocation());

        client.setExperimentTag(id, "team", "vision");
        assertEquals("vision", client.getExperiment(id).getTagsList().get(0).getValue());
        MlflowHttpException dup = assertThrows(MlflowHttpException.class, () -> client.createExperiment("apparel"));
        assertEquals(400, dup.getStatusCode());
        assertTrue(dup.getBodyMessage().contains("RESOURCE_ALREADY_EXISTS"), dup.getBodyMessage());

        client.renameExperiment(id, "apparel-v2");
        assertEquals(id, client.getExperimentByName("apparel-v2").orElseThrow().getExperimentId());
        ExperimentsPage tagged = client.searchExperiments("tags.team = 'vision'");
        assertEquals(
                List.of("apparel-v2"),
                tagged.getItems().stream().map(Experiment::getName).toList());

        String runId = client.createRun(id).getRunId();
        client.deleteExperiment(id);
        assertEquals("deleted", client.getExperiment(id).getLifecycleStage());
        assertEquals("deleted", client.getRun(runId).getInfo().getLifecycleStage(), "its runs go with it");
        assertThrows(MlflowHttpException.class, () -> client.createRun(id));
        assertFalse(client.searchExperiments().getItems().stream()
                .anyMatch(x -> x.getExperimentId().equals(id)));
        client.restoreExperiment(id);
        assertEquals("active", client.getExperiment(id).getLifecycleStage());
        assertEquals("active", client.getRun(runId).getInfo().getLifecycleStage());

        MlflowHttpException missing = assertThrows(MlflowHttpException.class, () -> client.getExperiment("999"));
        assertEquals(404, missing.getStatusCode());
        assertTrue(missing.getBodyMessage().contains("RESOURCE_DOES_NOT_EXIST"));
    }

    @Test
    void everythingLoggedReadsBackEqualThroughTheClientAndKeel() {
        String exp = client.createExperiment("mnist");
        long start = 1_700_000_000_000L;
        String runId = client.createRun(CreateRun.newBuilder()
                        .setExperimentId(exp)
                        .setStartTime(start)
                        .setUserId("ada")
                        .addTags(RunTag.newBuilder().setKey("mlflow.runName").setValue("first"))
                        .addTags(
                                RunTag.newBuilder().setKey("mlflow.source.type").setValue("LOCAL"))
                        .build())
                .getRunId();
        client.logParam(runId, "lr", "0.01");
        client.logParam(runId, "lr", "0.01"); // the same value again is fine
        client.logMetric(runId, "loss", 0.9, start + 1, 0);
        client.logMetric(runId, "loss", 0.5, start + 2, 1);
        client.logMetric(runId, "loss", 0.7, start + 3, 2);
        client.logMetric(runId, "weird", Double.NaN, start + 4, 0);
        client.setTag(runId, "team", "vision");
        client.setTag(runId, "mlflow.note.content", "baseline run");
        client.logBatch(
                runId,
                List.of(metric("acc", 0.8, start + 5, 2), metric("acc", 0.85, start + 6, 3)),
                List.of(
                        Param.newBuilder().setKey("optimizer").setValue("adam").build(),
                        Param.newBuilder().setKey("model.layers").setValue("3").build()),
                List.of(RunTag.newBuilder().setKey("empty").setValue("").build()));
        client.setTerminated(runId, RunStatus.FINISHED, start + 10_000);

        Run run = client.getRun(runId);
        assertEquals("first", run.getInfo().getRunName());
        assertEquals(exp, run.getInfo().getExperimentId());
        assertEquals("ada", run.getInfo().getUserId());
        assertEquals(RunStatus.FINISHED, run.getInfo().getStatus());
        assertEquals(start, run.getInfo().getStartTime());
        assertEquals(start + 10_000, run.getInfo().getEndTime());
        assertEquals(
                "mlflow-artifacts:/" + exp + "/" + runId + "/artifacts",
                run.getInfo().getArtifactUri());
        assertEquals(Map.of("lr", "0.01", "optimizer", "adam", "model.layers", "3"), params(run));
        Map<String, String> tags = tags(run);
        assertEquals("vision", tags.get("team"));
        assertEquals("", tags.get("empty"));
        assertEquals("LOCAL", tags.get("mlflow.source.type"));
        assertEquals("first", tags.get("mlflow.runName"));
        assertEquals("baseline run", tags.get("mlflow.note.content"));
        Map<String, Metric> m = metrics(run);
        assertEquals(metric("loss", 0.7, start + 3, 2), m.get("loss"));
        assertEquals(metric("acc", 0.85, start + 6, 3), m.get("acc"));
        assertTrue(Double.isNaN(m.get("weird").getValue()));

        List<Metric> history = client.getMetricHistory(runId, "loss");
        assertEquals(
                List.of(
                        metric("loss", 0.9, start + 1, 0),
                        metric("loss", 0.5, start + 2, 1),
                        metric("loss", 0.7, start + 3, 2)),
                history);

        // the same run, as Keel sees it
        RunInfo keel = fx.server.context().store().run(runId).orElseThrow();
        assertEquals("mnist", keel.project());
        assertEquals("first", keel.name());
        assertEquals("ada", keel.user());
        assertEquals("baseline run", keel.notes());
        assertEquals(RunState.FINISHED, keel.state());
        assertEquals(start + 10_000, keel.endedAt());
        assertEquals(Map.of("lr", "0.01", "optimizer", "adam", "model.layers", "3"), keel.config());
        assertEquals(0.7, ((Number) keel.summary().get("loss")).doubleValue());
        assertEquals(0.85, ((Number) keel.summary().get("acc")).doubleValue());
        assertTrue(keel.tags().contains("team=vision"));
        List<RunInfo> found = fx.server.context().store().searchRuns(RunQuery.project("mnist"));
        assertEquals(List.of(runId), found.stream().map(RunInfo::id).toList());
        ServerFixture.Reply api = fx.get("/api/v1/projects/mnist/runs?filter=" + "summary.acc%20%3E%200.8");
        assertEquals(200, api.status(), api.body());
        assertTrue(api.body().contains(runId) && api.body().contains("\"optimizer\":\"adam\""), api.body());
    }

    @Test
    void paramsAreImmutableAndLimitsAreMlflows() {
        String runId = client.createRun().getRunId(); // the Default experiment
        client.logParam(runId, "lr", "0.01");
        MlflowHttpException changed =
                assertThrows(MlflowHttpException.class, () -> client.logParam(runId, "lr", "0.1"));
        assertEquals(400, changed.getStatusCode());
        assertTrue(changed.getBodyMessage().contains("INVALID_PARAMETER_VALUE"), changed.getBodyMessage());
        assertEquals("0.01", params(client.getRun(runId)).get("lr"));

        List<Metric> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(metric("m", i, 1, i));
        }
        MlflowHttpException batch =
                assertThrows(MlflowHttpException.class, () -> client.logBatch(runId, tooMany, null, null));
        assertEquals(400, batch.getStatusCode());
        assertTrue(batch.getBodyMessage().contains("at most 1000 metrics"), batch.getBodyMessage());
        assertThrows(MlflowHttpException.class, () -> client.logParam(runId, "bad//key", "x"));
        assertThrows(MlflowHttpException.class, () -> client.logParam(runId, "k".repeat(251), "x"));
        // as MLflow 3's server: a value over 6,000 characters is kept cut to 6,000, not refused
        client.logParam(runId, "big", "v".repeat(6500));
        assertEquals("v".repeat(6000), params(client.getRun(runId)).get("big"));
        client.logParam(runId, "big", "v".repeat(6500)); // the same long value again is the same param
        client.setTag(runId, "long", "t".repeat(8000));
        assertEquals("t".repeat(8000), tags(client.getRun(runId)).get("long"));
        client.setTag(runId, "longer", "t".repeat(9000));
        assertEquals(8000, tags(client.getRun(runId)).get("longer").length());
        assertTrue(client.getRun(runId).getData().getMetricsList().isEmpty(), "nothing of a rejected batch is stored");

        MlflowHttpException unknown = assertThrows(MlflowHttpException.class, () -> client.getRun("doesnotexist"));
        assertEquals(404, unknown.getStatusCode());
        assertTrue(unknown.getBodyMessage().contains("RESOURCE_DOES_NOT_EXIST"));
        MlflowHttpException badFilter =
                assertThrows(MlflowHttpException.class, () -> client.searchRuns(List.of("0"), "metrics.acc >>> 1"));
        assertEquals(400, badFilter.getStatusCode());
        assertTrue(badFilter.getBodyMessage().contains("INVALID_PARAMETER_VALUE"));
        assertThrows(MlflowHttpException.class, () -> client.searchRuns(List.of("0"), "params.lr > 1"));
    }

    @Test
    void searchFiltersSortsAndPagesLikeMlflow() {
        String exp = client.createExperiment("sweep");
        Map<String, Double> acc = new HashMap<>();
        for (int i = 0; i < 23; i++) {
            String id = client.createRun(CreateRun.newBuilder()
                            .setExperimentId(exp)
                            .setStartTime(1000 + i)
                            .setRunName("run-" + i)
                            .build())
                    .getRunId();
            double a = (i * 37 % 23) / 23.0;
            client.logBatch(
                    id,
                    List.of(metric("acc", a, 5, 0)),
                    List.of(Param.newBuilder()
                            .setKey("opt")
                            .setValue(i % 2 == 0 ? "adam" : "sgd")
                            .build()),
                    List.of(RunTag.newBuilder()
                            .setKey("team")
                            .setValue(i % 3 == 0 ? "vision" : "nlp")
                            .build()));
            if (i % 4 == 0) {
                client.setTerminated(id, RunStatus.FINISHED);
            }
            acc.put(id, a);
        }
        // compiled path: metric and param clauses, one metric sort key, pages of 4
        List<String> ids = new ArrayList<>();
        Run last = null;
        String token = null;
        do {
            RunsPage page = client.searchRuns(
                    List.of(exp),
                    "metrics.acc > 0.3 and params.opt = 'adam'",
                    ViewType.ACTIVE_ONLY,
                    4,
                    List.of("metrics.acc DESC"),
                    token);
            for (Run r : page.getItems()) {
                ids.add(r.getInfo().getRunId());
                last = r;
            }
            token = page.getNextPageToken().orElse(null);
        } while (token != null);
        List<String> expected = acc.entrySet().stream()
                .filter(e -> e.getValue() > 0.3
                        && params(client.getRun(e.getKey())).get("opt").equals("adam"))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(Map.Entry::getKey)
                .toList();
        assertEquals(expected, ids);
        assertEquals(
                acc.get(last.getInfo().getRunId()), metrics(last).get("acc").getValue());

        // evaluated here: LIKE on a tag, a status attribute, two sort keys
        List<Run> like = client.searchRuns(
                        List.of(exp),
                        "tags.team LIKE 'vis%' and attributes.status = 'FINISHED'",
                        ViewType.ACTIVE_ONLY,
                        100,
                        List.of("params.opt ASC", "attributes.start_time DESC"))
                .getItems();
        List<String> names = like.stream().map(r -> r.getInfo().getRunName()).toList();
        assertEquals(List.of("run-12", "run-0"), names);

        // run name via its tag, and deleted runs
        List<Service.RunInfo> byName = client.searchRuns(List.of(exp), "tags.\"mlflow.runName\" = 'run-5'");
        assertEquals(1, byName.size());
        String five = byName.get(0).getRunId();
        client.deleteRun(five);
        assertTrue(
                client.searchRuns(List.of(exp), "attributes.run_name = 'run-5'").isEmpty());
        assertEquals(
                List.of(five),
                client.searchRuns(List.of(exp), "", ViewType.DELETED_ONLY).stream()
                        .map(Service.RunInfo::getRunId)
                        .toList());
        assertThrows(MlflowHttpException.class, () -> client.logMetric(five, "acc", 1.0));
        client.restoreRun(five);
        assertEquals(23, client.searchRuns(List.of(exp), "").size());
    }

    @Test
    void runsOfKeelsOwnSdkShowAsMlflowRuns() {
        RunInfo native1 = new RunInfo(
                "abcd1234",
                "keel-native",
                "brave-otter-1",
                "",
                "bob",
                List.of("baseline"),
                "",
                RunState.FINISHED,
                1000,
                2000,
                3000,
                2000,
                "",
                "",
                0,
                Map.of("layers", 64, "opt", Map.of("lr", 0.1)),
                Map.of("val_loss", 0.25));
        fx.server.context().store().createRun(native1, Map.of());
        Experiment e = client.getExperimentByName("keel-native").orElseThrow();
        Run run = client.getRun("abcd1234");
        assertEquals(e.getExperimentId(), run.getInfo().getExperimentId());
        assertEquals(Map.of("layers", "64", "opt.lr", "0.1"), params(run));
        assertEquals("", tags(run).get("baseline"));
        List<Run> sorted = client.searchRuns(
                        List.of(e.getExperimentId()),
                        "metrics.val_loss < 1",
                        ViewType.ACTIVE_ONLY,
                        10,
                        List.of("metrics.val_loss"))
                .getItems();
        assertEquals(0.25, metrics(sorted.get(0)).get("val_loss").getValue());
    }
}
