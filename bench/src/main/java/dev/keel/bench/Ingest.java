package dev.keel.bench;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sustained ingest: points logged until they are durable in the event log and queryable in the
 * store ({@code flush()} returned), from one run, then from 8 runs in 8 processes into one
 * embedded store. Each call logs 5 metrics; the point count is checked in the store afterwards.
 */
final class Ingest {
    private static final String[] KEYS = {"loss", "accuracy", "lr", "grad_norm", "throughput"};

    private Ingest() {}

    static void main(String[] args) {
        long points = Stats.arg(args, "--points", 10_000_000);
        if (Stats.arg(args, "--child", 0) == 1) {
            long[] start = {System.currentTimeMillis()};
            boolean barrier = Stats.arg(args, "--barrier", 1) == 1;
            logPoints(Path.of(Stats.arg(args, "--home", "")), points, () -> {
                if (barrier) {
                    Children.awaitGo();
                    start[0] = System.currentTimeMillis();
                }
            });
            System.out.println("SPAN " + start[0] + " " + System.currentTimeMillis());
            return;
        }
        int processes = (int) Stats.arg(args, "--processes", 8);
        // --barrier 1 (default): the children log together once all are initialised, so the span
        // is 8 runs ingesting at once; --barrier 0: each starts as soon as its JVM is up
        boolean barrier = Stats.arg(args, "--barrier", 1) == 1;

        if (Stats.arg(args, "--warmup", 0) == 1) {
            // like the Python side, which is timed after its imports: load and JIT the path first
            logPoints(Homes.fresh("warmup"), 50_000);
        }
        Path home = Homes.fresh("ingest1");
        double s = logPoints(home, points);
        check(home, points);
        Stats.result("ingest.1run", points / s, "points/s", ">= 1,000,000");

        Path shared = Homes.fresh("ingest8");
        long t0 = System.nanoTime();
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            children.add(Children.start(
                    i,
                    "ingest",
                    List.of(
                            "--child",
                            "1",
                            "--points",
                            Long.toString(points / processes),
                            "--home",
                            shared.toString(),
                            "--barrier",
                            barrier ? "1" : "0"),
                    Map.of()));
        }
        if (barrier) {
            Children.release(children);
        }
        long[] span = Children.spans(children);
        if (span == null) {
            return;
        }
        long first = span[0];
        long last = span[1];
        s = (System.nanoTime() - t0) / 1e9;
        check(shared, points / processes * processes);
        long total = points / processes * processes;
        Stats.result(
                "ingest." + processes + "proc" + (barrier ? "" : ".staggered"),
                total / ((last - first) / 1e3),
                barrier
                        ? "points/s (all runs initialised, then logging at once: go to the last flush)"
                        : "points/s (first child's init to last child's flush)",
                ">= 1,000,000");
        Stats.result("ingest." + processes + "proc.with-jvm-starts", total / s, "points/s", "-");
    }

    /** Seconds from {@code Keel.init} to {@code flush()} returning (durable and indexed); close() not included. */
    static double logPoints(Path home, long points) {
        return logPoints(home, points, null);
    }

    /** As above; {@code afterInit}, when given, runs right after {@code Keel.init} and the clock starts after it. */
    static double logPoints(Path home, long points, Runnable afterInit) {
        long t0 = System.nanoTime();
        try (Run run = Keel.init(RunOptions.builder()
                .project("bench-ingest")
                .home(home)
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            if (afterInit != null) {
                afterInit.run();
                t0 = System.nanoTime();
            }
            Map<String, Double> m = new HashMap<>();
            long calls = points / KEYS.length;
            for (long i = 0; i < calls; i++) {
                for (int k = 0; k < KEYS.length; k++) {
                    m.put(KEYS[k], (double) (i * KEYS.length + k));
                }
                run.log(m);
            }
            run.flush();
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static void check(Path home, long expected) {
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            long total = 0;
            for (RunInfo r : store.searchRuns(RunQuery.all())) {
                for (String key : store.metricKeys(r.id())) {
                    if (!key.startsWith("system/")) {
                        total += store.history(r.id(), key).size();
                    }
                }
            }
            long want = expected / KEYS.length * KEYS.length;
            if (total != want) {
                throw new IllegalStateException("store holds " + total + " points, expected " + want);
            }
        }
    }
}
