package dev.keel.bench;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Reading back one series of 1,000,000 points from the embedded store (median of 10 reads). */
final class HistoryRead {
    private HistoryRead() {}

    static void main(String[] args) {
        int points = (int) Stats.arg(args, "--points", 1_000_000);
        Path home = Homes.fresh("history");
        String id;
        try (Run run = Keel.init(RunOptions.builder()
                .project("bench-history")
                .home(home)
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            for (int i = 0; i < points; i++) {
                run.log(Map.of("loss", Math.exp(-i / 1e5) + (i % 100) * 1e-4));
            }
            id = run.id();
        }
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            double[] ms = new double[12];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                MetricSeries s = store.history(id, "loss");
                ms[i] = (System.nanoTime() - t0) / 1e6;
                if (s.size() != points) {
                    throw new IllegalStateException("read " + s.size() + " points, expected " + points);
                }
            }
            Stats.result("history.1M.read", Stats.median(Arrays.copyOfRange(ms, 2, ms.length)), "ms", "<= 200 ms");
        }
    }
}
