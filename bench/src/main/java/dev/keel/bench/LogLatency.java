package dev.keel.bench;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Latency of {@code run.log(map)} with a 5-metric map on the calling (training) thread, each call
 * timed by itself. Two paces: "paced" logs at a realistic 20,000 calls/s (a fast training loop
 * logging every batch), "flat-out" logs as fast as one thread can, which also measures
 * back-pressure once the writer falls behind.
 */
final class LogLatency {
    private LogLatency() {}

    static void main(String[] args) {
        int calls = (int) Stats.arg(args, "--calls", 1_000_000);
        try (Run run = Keel.init(RunOptions.builder()
                .project("bench-latency")
                .home(Homes.fresh("latency"))
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            Map<String, Double> m = new HashMap<>();
            // Warm-up: JIT the log path.
            for (int i = 0; i < 300_000; i++) {
                fill(m, i);
                run.log(m);
            }
            run.flush();
            report("paced", measure(run, m, calls / 4, 50_000));
            run.flush();
            report("flat-out", measure(run, m, calls, 0));
        }
    }

    private static long[] measure(Run run, Map<String, Double> m, int calls, long pauseNanos) {
        long[] lat = new long[calls];
        long next = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            fill(m, i);
            if (pauseNanos > 0) {
                next += pauseNanos;
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
            }
            long t0 = System.nanoTime();
            run.log(m);
            lat[i] = System.nanoTime() - t0;
        }
        Arrays.sort(lat);
        return lat;
    }

    private static void fill(Map<String, Double> m, int i) {
        m.put("loss", 1.0 / (i + 1));
        m.put("accuracy", i * 1e-7);
        m.put("lr", 0.001);
        m.put("grad_norm", 0.5 + (i % 7));
        m.put("throughput", 1000.0 + i % 13);
    }

    private static void report(String pace, long[] sorted) {
        Stats.result("log5." + pace + ".p50", Stats.percentile(sorted, 50) / 1000.0, "us", "<= 1 us");
        Stats.result("log5." + pace + ".p99", Stats.percentile(sorted, 99) / 1000.0, "us", "<= 20 us");
        Stats.result("log5." + pace + ".p99.9", Stats.percentile(sorted, 99.9) / 1000.0, "us", "-");
    }
}
