package dev.keel.bench;

import dev.keel.core.Ids;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The official MLflow Java client against a tracking server: an embedded Keel server started
 * here, or any server given with {@code --url} (e.g. {@code mlflow server} with a SQLite backend,
 * for the comparison in docs/benchmarks.md).
 * <ul>
 *   <li>{@code mlflow-log}: N points with {@code logMetric} per point, then with {@code logBatch}
 *   (1000 per request, MLflow's limit); points per second.</li>
 *   <li>{@code mlflow-search}: runs/search over 10,000 runs sorted by a metric, median ms.</li>
 * </ul>
 */
final class MlflowBench {
    private MlflowBench() {}

    static void log(String[] args) {
        int perPoint = (int) Stats.arg(args, "--points", 5_000);
        int batched = (int) Stats.arg(args, "--batch-points", 100_000);
        String url = Stats.arg(args, "--url", "");
        String label = Stats.arg(args, "--label", url.isEmpty() ? "keel" : "mlflow-server");
        KeelServer server = url.isEmpty()
                ? KeelServer.embedded(new KeelHome(Homes.fresh("mlflowlog")), ServerSettings.local(0))
                        .start()
                : null;
        try (MlflowClient client = new MlflowClient(server == null ? url : server.url())) {
            String exp = client.createExperiment("bench-" + System.nanoTime());
            // warm-up: connections, JIT
            String warm = client.createRun(exp).getRunId();
            for (int i = 0; i < 200; i++) {
                client.logMetric(warm, "loss", i, System.currentTimeMillis(), i);
            }
            String run = client.createRun(exp).getRunId();
            long t0 = System.nanoTime();
            for (int i = 0; i < perPoint; i++) {
                client.logMetric(run, "loss", 1.0 / (i + 1), System.currentTimeMillis(), i);
            }
            double perPointRate = perPoint / ((System.nanoTime() - t0) / 1e9);
            String run2 = client.createRun(exp).getRunId();
            long now = System.currentTimeMillis();
            t0 = System.nanoTime();
            List<Metric> chunk = new ArrayList<>(1000);
            String[] keys = {"loss", "accuracy", "lr", "grad_norm", "throughput"};
            for (int i = 0; i < batched; i++) {
                chunk.add(Metric.newBuilder()
                        .setKey(keys[i % 5])
                        .setValue(i)
                        .setTimestamp(now)
                        .setStep(i / 5)
                        .build());
                if (chunk.size() == 1000) {
                    client.logBatch(run2, chunk, null, null);
                    chunk.clear();
                }
            }
            if (!chunk.isEmpty()) {
                client.logBatch(run2, chunk, null, null);
            }
            double batchRate = batched / ((System.nanoTime() - t0) / 1e9);
            int stored = client.getMetricHistory(run2, "loss").size();
            if (stored != batched / 5 || client.getMetricHistory(run, "loss").size() != perPoint) {
                throw new IllegalStateException("the server stored " + stored + " of " + (batched / 5) + " points");
            }
            Stats.result("mlflow-java." + label + ".logMetric", perPointRate, "points/s", "compare");
            Stats.result("mlflow-java." + label + ".logBatch", batchRate, "points/s", "compare");
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * The Java client's artifact calls against an embedded Keel server. The 2.17.2 client has no
     * HTTP artifact code: it runs {@code $MLFLOW_PYTHON_EXECUTABLE -m mlflow.store.artifact.cli},
     * so this needs Python's mlflow (bench/mlflow_python_compat.sh sets it up).
     */
    static void javaArtifacts(String[] args) {
        try (KeelServer server = KeelServer.embedded(new KeelHome(Homes.fresh("mlflowart")), ServerSettings.local(0))
                        .start();
                MlflowClient client = new MlflowClient(server.url())) {
            String run = client.createRun().getRunId();
            Path file = Files.createTempFile("model", ".txt");
            Files.writeString(file, "weights of " + run);
            client.logArtifact(run, file.toFile(), "models");
            var listed = client.listArtifacts(run, "models");
            String want = "models/" + file.getFileName();
            if (listed.size() != 1
                    || !listed.get(0).getPath().equals(want)
                    || listed.get(0).getFileSize() != Files.size(file)) {
                throw new IllegalStateException("listArtifacts gave " + listed);
            }
            String back = Files.readString(client.downloadArtifacts(run, want).toPath());
            if (!back.equals("weights of " + run)) {
                throw new IllegalStateException("downloadArtifacts gave '" + back + "'");
            }
            System.out.println("ok   Java client logArtifact, listArtifacts, downloadArtifacts (through Python's CLI)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves an embedded Keel server on {@code --port} over {@code --home} until killed. */
    static void serve(String[] args) {
        Path home = Path.of(Stats.arg(args, "--home", "bench/work/mlflow-serve"));
        KeelServer server = KeelServer.embedded(
                        new KeelHome(home), ServerSettings.local((int) Stats.arg(args, "--port", 0)))
                .start();
        System.out.println("serving " + server.url());
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            server.close();
        }
    }

    static void search(String[] args) {
        int runs = (int) Stats.arg(args, "--runs", 10_000);
        Path home = Homes.fresh("mlflowsearch");
        KeelHome keelHome = new KeelHome(home).ensureExists();
        Random rnd = new Random(7);
        try (KeelServer server =
                        KeelServer.embedded(keelHome, ServerSettings.local(0)).start();
                MlflowClient client = new MlflowClient(server.url())) {
            Store store = server.context().store();
            long now = System.currentTimeMillis();
            for (int i = 0; i < runs; i++) {
                Map<String, Object> config = new LinkedHashMap<>();
                for (int c = 0; c < 20; c++) {
                    config.put("param_" + c, "v" + rnd.nextInt(5));
                }
                String id = Ids.newRunId();
                store.createRun(
                        new RunInfo(
                                id,
                                "bench",
                                "run-" + i,
                                "",
                                "bench",
                                List.of(),
                                "",
                                RunState.FINISHED,
                                now - i * 1000L,
                                now,
                                now,
                                60_000,
                                "",
                                "mlflow-api",
                                0,
                                config,
                                Map.of()),
                        Map.of());
                WriteBatch b = new WriteBatch();
                b.summary.put("val_loss", rnd.nextDouble());
                for (int m = 1; m < 10; m++) {
                    b.summary.put("metric_" + m, rnd.nextDouble());
                }
                store.apply(id, b);
            }
            String exp = client.getExperimentByName("bench").orElseThrow().getExperimentId();
            // the store's own query for the same page, for comparison
            double[] storeMs = new double[22];
            for (int i = 0; i < storeMs.length; i++) {
                long t0 = System.nanoTime();
                store.searchRuns(new RunQuery("bench", null, new Field(Field.Kind.SUMMARY, "val_loss"), false, 100, 0));
                storeMs[i] = (System.nanoTime() - t0) / 1e6;
            }
            Field tags = new Field(Field.Kind.ATTRIBUTE, "tags");
            Field p0 = new Field(Field.Kind.CONFIG, "param_0");
            Expr same = new Expr.And(
                    new Expr.And(
                            new Expr.Not(new Expr.Contains(tags, "mlflow.deleted")),
                            new Expr.Compare(new Field(Field.Kind.SUMMARY, "val_loss"), Expr.Op.LT, 2.0)),
                    new Expr.And(
                            new Expr.Not(new Expr.Compare(p0, Expr.Op.EQ, "x")),
                            new Expr.Not(new Expr.Compare(p0, Expr.Op.EQ, null))));
            double[] filteredMs = new double[22];
            for (int i = 0; i < filteredMs.length; i++) {
                long t0 = System.nanoTime();
                store.searchRuns(new RunQuery("bench", same, new Field(Field.Kind.SUMMARY, "val_loss"), false, 100, 0));
                filteredMs[i] = (System.nanoTime() - t0) / 1e6;
            }
            Stats.result(
                    "mlflow.search.store-query-filtered.top100",
                    Stats.median(Arrays.copyOfRange(filteredMs, 2, filteredMs.length)),
                    "ms",
                    "reference");
            Stats.result(
                    "mlflow.search.store-query.top100",
                    Stats.median(Arrays.copyOfRange(storeMs, 2, storeMs.length)),
                    "ms",
                    "reference");
            HttpClient http = HttpClient.newHttpClient();
            String body = "{\"experiment_ids\":[\"" + exp
                    + "\"],\"filter\":\"metrics.val_loss < 2 and params.param_0 != 'x'\","
                    + "\"max_results\":100,\"order_by\":[\"metrics.val_loss ASC\"]}";
            double[] rawMs = new double[22];
            for (int i = 0; i < rawMs.length; i++) {
                long t0 = System.nanoTime();
                try {
                    var r = http.send(
                            HttpRequest.newBuilder(URI.create(server.url() + "/api/2.0/mlflow/runs/search"))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .header("Content-Type", "application/json")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(r.body());
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                rawMs[i] = (System.nanoTime() - t0) / 1e6;
            }
            Stats.result(
                    "mlflow.search.raw-http.top100",
                    Stats.median(Arrays.copyOfRange(rawMs, 2, rawMs.length)),
                    "ms",
                    "reference");
            for (int max : new int[] {100, 1000}) {
                double[] ms = new double[22];
                for (int i = 0; i < ms.length; i++) {
                    long t0 = System.nanoTime();
                    List<Run> page = client.searchRuns(
                                    List.of(exp),
                                    "metrics.val_loss < 2 and params.param_0 != 'x'",
                                    ViewType.ACTIVE_ONLY,
                                    max,
                                    List.of("metrics.val_loss ASC"))
                            .getItems();
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                    if (page.size() != max) {
                        throw new IllegalStateException("got " + page.size() + " runs");
                    }
                }
                Stats.result(
                        "mlflow.search." + runs + "runs.top" + max,
                        Stats.median(Arrays.copyOfRange(ms, 2, ms.length)),
                        "ms",
                        "<= 100 ms");
            }
        }
    }
}
