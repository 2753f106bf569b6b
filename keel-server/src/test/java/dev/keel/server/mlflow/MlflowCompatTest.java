package dev.keel.server.mlflow;

import dev.keel.core.Json;
import dev.keel.core.KeelHome;
import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.NewVersion;
import dev.keel.core.data.RunInput;
import dev.keel.core.data.StoredManifest;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerFixture;
import dev.keel.server.ServerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where Keel's MLflow API once answered differently from a real {@code mlflow server} 3.x: the
 * official Java client where it has the call, its {@code sendGet}/{@code sendPost} (the same
 * transport, raw JSON) where it does not.
 */
@SuppressWarnings("deprecation") // the searchRuns overloads MLflow deprecated are still what its users call
class MlflowCompatTest {
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

    private static Metric metric(String key, double value, long ts, long step) {
        return Metric.newBuilder()
                .setKey(key)
                .setValue(value)
                .setTimestamp(ts)
                .setStep(step)
                .build();
    }

    private static Map<String, Metric> metrics(Run run) {
        return run.getData().getMetricsList().stream().collect(Collectors.toMap(Metric::getKey, Function.identity()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
        return Json.readMap(text);
    }

    @Test
    void searchUsesTheLatestStepNotTheLastLoggedValue() {
        String exp = client.createExperiment("out-of-order");
        String a = client.createRun(exp).getRunId();
        String b = client.createRun(exp).getRunId();
        // a: step 5 logged first, then an older step: MLflow's latest is still step 5's 0.9
        client.logBatch(a, List.of(metric("acc", 0.9, 1000, 5)), null, null);
        client.logBatch(a, List.of(metric("acc", 0.1, 2000, 1)), null, null);
        // b: two points at one step: the later timestamp wins, within one batch too
        client.logBatch(b, List.of(metric("acc", 0.7, 3000, 2), metric("acc", 0.5, 1000, 2)), null, null);
        client.logBatch(b, List.of(metric("acc", 0.3, 500, 2)), null, null);

        assertEquals(0.9, metrics(client.getRun(a)).get("acc").getValue());
        assertEquals(0.7, metrics(client.getRun(b)).get("acc").getValue());
        List<String> above = client.searchRuns(List.of(exp), "metrics.acc > 0.8").stream()
                .map(RunInfo::getRunId)
                .toList();
        assertEquals(List.of(a), above, "search filters on the value get_run shows");
        List<Run> sorted = client.searchRuns(List.of(exp), "", ViewType.ACTIVE_ONLY, 10, List.of("metrics.acc ASC"))
                .getItems();
        assertEquals(
                List.of(b, a), sorted.stream().map(r -> r.getInfo().getRunId()).toList());
        assertEquals(0.9, metrics(sorted.get(1)).get("acc").getValue(), "search returns the same latest value");
        assertEquals(0.7, metrics(sorted.get(0)).get("acc").getValue());
    }

    @Test
    void theLatestIsReadFromTheStoreAfterARestart() {
        String run = client.createRun().getRunId();
        client.logBatch(run, List.of(metric("loss", 0.2, 1000, 10)), null, null);
        // a new server over the same store knows nothing in memory: it reads the stored latest once
        client.close();
        fx.close();
        fx = new ServerFixture(dir);
        client = new MlflowClient(fx.server.url());
        client.logBatch(run, List.of(metric("loss", 0.8, 2000, 3)), null, null);
        assertEquals(
                List.of(run),
                client.searchRuns(List.of("0"), "metrics.loss < 0.5").stream()
                        .map(RunInfo::getRunId)
                        .toList());
    }

    @Test
    void deleteExperimentTag() {
        String exp = client.createExperiment("tagged");
        client.setExperimentTag(exp, "team", "vision");
        client.setExperimentTag(exp, "keep", "1");
        client.sendPost("experiments/delete-experiment-tag", "{\"experiment_id\":\"" + exp + "\",\"key\":\"team\"}");
        Map<String, String> tags = client.getExperiment(exp).getTagsList().stream()
                .collect(Collectors.toMap(t -> t.getKey(), t -> t.getValue()));
        assertEquals(Map.of("keep", "1"), tags);
        MlflowHttpException missing = assertThrows(
                MlflowHttpException.class,
                () -> client.sendPost(
                        "experiments/delete-experiment-tag", "{\"experiment_id\":\"" + exp + "\",\"key\":\"team\"}"));
        assertEquals(404, missing.getStatusCode());
        assertTrue(missing.getBodyMessage().contains("RESOURCE_DOES_NOT_EXIST"), missing.getBodyMessage());
    }

    @Test
    void metricHistoryOfAMissingRunIsEmpty() {
        assertEquals(List.of(), client.getMetricHistory("0123456789abcdef0123456789abcdef", "loss"));
    }

    @Test
    void bulkIntervalSamplesEveryRunAtTheSameSteps() {
        String a = client.createRun().getRunId();
        String b = client.createRun().getRunId();
        List<Metric> pa = new ArrayList<>();
        List<Metric> pb = new ArrayList<>();
        for (int s = 0; s < 100; s++) {
            pa.add(metric("loss", 1.0 / (s + 1), 1000 + s, s));
            if (s % 2 == 0 && s <= 60) {
                pb.add(metric("loss", 2.0 / (s + 1), 1000 + s, s));
            }
        }
        client.logBatch(a, pa, null, null);
        client.logBatch(b, pb, null, null);

        Map<String, Object> all = json(client.sendGet(
                "metrics/get-history-bulk-interval?run_ids=" + a + "&run_ids=" + b + "&metric_key=loss"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> points = (List<Map<String, Object>>) all.get("metrics");
        assertEquals(100 + 31, points.size(), "under max_results every point comes back");
        assertEquals(a, points.get(0).get("run_id"));
        assertEquals("loss", points.get(0).get("key"));

        Map<String, Object> thin = json(client.sendGet("metrics/get-history-bulk-interval?run_ids=" + a + "&run_ids="
                + b + "&metric_key=loss&max_results=10&start_step=0&end_step=99"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sampled = (List<Map<String, Object>>) thin.get("metrics");
        List<Long> stepsA = steps(sampled, a);
        List<Long> stepsB = steps(sampled, b);
        assertTrue(stepsA.size() <= 12, "about max_results steps: " + stepsA);
        assertEquals(0L, stepsA.get(0));
        assertEquals(99L, stepsA.get(stepsA.size() - 1), "a run's last step is always kept");
        assertEquals(60L, stepsB.get(stepsB.size() - 1), "so is the shorter run's");
        assertTrue(stepsA.containsAll(stepsB.stream().filter(s -> s != 60L).toList()), "the same steps for each run");

        Map<String, Object> window = json(client.sendGet(
                "metrics/get-history-bulk-interval?run_ids=" + a + "&metric_key=loss&start_step=10&end_step=12"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> w = (List<Map<String, Object>>) window.get("metrics");
        assertEquals(List.of(10L, 11L, 12L), steps(w, a));

        for (String bad : List.of(
                "metric_key=loss",
                "run_ids=" + a,
                "run_ids=" + a + "&metric_key=loss&start_step=5",
                "run_ids=" + a + "&metric_key=loss&start_step=5&end_step=1",
                "run_ids=" + a + "&metric_key=loss&max_results=2501")) {
            MlflowHttpException e = assertThrows(
                    MlflowHttpException.class, () -> client.sendGet("metrics/get-history-bulk-interval?" + bad));
            assertEquals(400, e.getStatusCode(), bad);
            assertTrue(e.getBodyMessage().contains("INVALID_PARAMETER_VALUE"), e.getBodyMessage());
        }
        Map<String, Object> none = json(client.sendGet(
                "metrics/get-history-bulk-interval?run_ids=0123456789abcdef0123456789abcdef&metric_key=loss"));
        assertFalse(none.get("metrics") instanceof List<?> l && !l.isEmpty(), "an unknown run has no points");
    }

    @Test
    void aRenamedExperimentIsRenamedInKeelAndFreesItsName() {
        String exp = client.createExperiment("before");
        String run = client.createRun(exp).getRunId();
        client.logMetric(run, "acc", 0.5);
        client.renameExperiment(exp, "after");

        assertEquals("after", client.getExperiment(exp).getName());
        assertFalse(client.getExperimentByName("before").isPresent());
        assertEquals("after", fx.server.context().store().run(run).orElseThrow().project(), "the Keel project too");
        List<String> projects = fx.server.context().store().projects().stream()
                .map(p -> p.name())
                .toList();
        assertTrue(projects.contains("after") && !projects.contains("before"), projects.toString());
        assertEquals(
                List.of(run),
                client.searchRuns(List.of(exp), "").stream()
                        .map(RunInfo::getRunId)
                        .toList());

        String again = client.createExperiment("before");
        assertFalse(again.equals(exp), "the old name is free for a new experiment");
        assertTrue(client.searchRuns(List.of(again), "").isEmpty());
        String other = client.createExperiment("taken");
        MlflowHttpException clash =
                assertThrows(MlflowHttpException.class, () -> client.renameExperiment(exp, "taken"));
        assertTrue(clash.getBodyMessage().contains("RESOURCE_ALREADY_EXISTS"), clash.getBodyMessage());
        assertEquals("after", client.getExperiment(exp).getName());
        assertEquals("taken", client.getExperiment(other).getName());
    }

    @Test
    void loggedInputsAreKeptAndNameKeelDatasetVersions() {
        DatasetStore datasets = fx.server.context().datasets();
        String hash = "sha256:" + "ab12".repeat(16);
        datasets.commitVersion(new NewVersion(
                new Dataset("mnist", "ada", "", null, 1000L),
                new StoredManifest(hash, null, new byte[] {1, 2, 3}),
                List.of(),
                "first",
                "ada",
                2000L,
                3,
                300,
                0));
        String run = client.createRun().getRunId();
        String body = "{\"run_id\":\"" + run + "\",\"datasets\":["
                + "{\"tags\":[{\"key\":\"mlflow.data.context\",\"value\":\"training\"}],"
                + "\"dataset\":{\"name\":\"mnist\",\"digest\":\"ab12ab12\",\"source_type\":\"keel\","
                + "\"source\":\"{}\",\"schema\":\"{\\\"mlflow_colspec\\\": []}\"}},"
                + "{\"dataset\":{\"name\":\"external\",\"digest\":\"1234abcd\",\"source_type\":\"http\","
                + "\"source\":\"{\\\"url\\\": \\\"https://data.example/x.csv\\\"}\"}}]}";
        client.sendPost("runs/log-inputs", body);
        client.sendPost("runs/log-inputs", body.replace("training", "eval")); // the same datasets again

        Run got = client.getRun(run);
        List<String> names = got.getInputs().getDatasetInputsList().stream()
                .map(i -> i.getDataset().getName())
                .toList();
        assertEquals(List.of("mnist", "external"), names, "one input per dataset");
        assertEquals("eval", got.getInputs().getDatasetInputs(0).getTags(0).getValue(), "its tags merged");
        assertEquals("http", got.getInputs().getDatasetInputs(1).getDataset().getSourceType());
        assertEquals(
                2,
                client.searchRuns(List.of("0"), "", ViewType.ACTIVE_ONLY, 10, List.of())
                        .getItems()
                        .get(0)
                        .getInputs()
                        .getDatasetInputsCount());

        // the Keel dataset becomes Keel lineage; the other stays an MLflow input only
        List<RunInput> lineage = datasets.inputsOf(run);
        assertEquals(1, lineage.size(), lineage.toString());
        assertEquals("mnist:v1", lineage.get(0).ref());
        assertTrue(fx.get("/api/v1/runs/" + run + "/inputs").body().contains("mnist"));

        MlflowHttpException bad = assertThrows(
                MlflowHttpException.class,
                () -> client.sendPost(
                        "runs/log-inputs",
                        "{\"run_id\":\"" + run + "\",\"datasets\":[{\"dataset\":{\"name\":\"x\"}}]}"));
        assertEquals(400, bad.getStatusCode());
    }

    @Test
    void aNestedRunLinksToItsParent() {
        String parent = client.createRun().getRunId();
        String child = client.createRun(CreateRun.newBuilder()
                        .setExperimentId("0")
                        .addTags(
                                RunTag.newBuilder().setKey("mlflow.parentRunId").setValue(parent))
                        .build())
                .getRunId();
        assertEquals(parent, fx.server.context().store().provenance(child).get("parent"));
        assertTrue(fx.get("/api/v1/runs/" + child + "/provenance").body().contains("\"parent\":\"" + parent + "\""));
        assertEquals(
                parent,
                client.getRun(child).getData().getTagsList().stream()
                        .filter(t -> t.getKey().equals("mlflow.parentRunId"))
                        .findFirst()
                        .orElseThrow()
                        .getValue());
        List<String> children = client.searchRuns(List.of("0"), "tags.mlflow.parentRunId = '" + parent + "'").stream()
                .map(RunInfo::getRunId)
                .toList();
        assertEquals(List.of(child), children);

        // set later (MLflow's client does so when resuming a nested run), and removed
        String late = client.createRun().getRunId();
        client.setTag(late, "mlflow.parentRunId", parent);
        assertEquals(parent, fx.server.context().store().provenance(late).get("parent"));
        client.deleteTag(late, "mlflow.parentRunId");
        assertFalse(fx.server.context().store().provenance(late).containsKey("parent"));
    }

    @Test
    void bigArtifactsStreamPastTheJsonLimitUpToTheirOwn() throws Exception {
        long size = 64L << 20;
        ServerSettings settings =
                ServerSettings.local(0).withMaxBodyBytes(1 << 20).withMaxArtifactBytes(size + 16);
        try (ServerFixture small =
                ServerFixture.client(KeelServer.embedded(new KeelHome(dir.resolve("small")), settings)
                        .start())) {
            Map<String, Object> created =
                    Json.readMap(small.send("POST", "/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"0\"}")
                            .body());
            @SuppressWarnings("unchecked")
            String run = (String)
                    ((Map<String, Object>) ((Map<String, Object>) created.get("run")).get("info")).get("run_id");
            String base = small.url() + "/api/2.0/mlflow-artifacts/artifacts/0/" + run + "/artifacts/";

            // a 64 MiB model, chunked (no length declared), 64 times the JSON body limit
            ServerFixture.Reply up = small.send(HttpRequest.newBuilder(URI.create(base + "model/model.pkl"))
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new BytePattern(size)))
                    .build());
            assertEquals(200, up.status(), up.body());
            HttpResponse<InputStream> down = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "model/model.pkl"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, down.statusCode());
            try (InputStream in = down.body()) {
                assertEquals(digest(new BytePattern(size)), digest(in), "the bytes come back whole");
            }
        }
        // over the artifact limit: refused by its declared length, or once too many bytes arrived
        // (small sizes here: a client still sending when refused may see its connection reset)
        long limit = 32 << 10;
        try (ServerFixture tiny = ServerFixture.client(KeelServer.embedded(
                        new KeelHome(dir.resolve("tiny")),
                        ServerSettings.local(0).withMaxArtifactBytes(limit))
                .start())) {
            Map<String, Object> created =
                    Json.readMap(tiny.send("POST", "/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"0\"}")
                            .body());
            @SuppressWarnings("unchecked")
            String run = (String)
                    ((Map<String, Object>) ((Map<String, Object>) created.get("run")).get("info")).get("run_id");
            String base = tiny.url() + "/api/2.0/mlflow-artifacts/artifacts/0/" + run + "/artifacts/";
            ServerFixture.Reply declared = tiny.send(HttpRequest.newBuilder(URI.create(base + "big.bin"))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) limit + 1]))
                    .build());
            assertEquals(413, declared.status(), declared.body());
            assertTrue(declared.body().contains("max-artifact-bytes"), declared.body());
            ServerFixture.Reply streamed = tiny.send(HttpRequest.newBuilder(URI.create(base + "big2.bin"))
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new BytePattern(limit + 1)))
                    .build());
            assertEquals(413, streamed.status(), streamed.body());
            ServerFixture.Reply fits = tiny.send(HttpRequest.newBuilder(URI.create(base + "fits.bin"))
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new BytePattern(limit)))
                    .build());
            assertEquals(200, fits.status(), fits.body());
            String listing = tiny.get("/api/2.0/mlflow-artifacts/artifacts?path=0/" + run + "/artifacts")
                    .body();
            assertFalse(listing.contains("big"), "nothing of a refused upload is kept: " + listing);
            assertTrue(listing.contains("fits.bin"), listing);
        }
    }

    private static String digest(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** {@code size} bytes of a fixed pattern, made as they are read. */
    private static final class BytePattern extends InputStream {
        private final long size;
        private long pos;

        BytePattern(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return pos < size ? (int) ((pos++ * 31 + (pos >>> 10)) & 0xff) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - pos);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) read();
            }
            return n;
        }
    }

    private static List<Long> steps(List<Map<String, Object>> points, String run) {
        return points.stream()
                .filter(p -> p.get("run_id").equals(run))
                .map(p -> ((Number) p.get("step")).longValue())
                .toList();
    }
}
