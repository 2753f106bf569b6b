package dev.keel.bench;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Time of {@code Keel.init} on a warm JVM (after a few runs were created), system metrics on. */
final class InitLatency {
    private InitLatency() {}

    static void main(String[] args) {
        int n = (int) Stats.arg(args, "--runs", 30);
        Path home = Homes.fresh("init");
        long[] times = new long[n];
        for (int i = 0; i < n + 5; i++) {
            long t0 = System.nanoTime();
            Run run = Keel.init(RunOptions.builder()
                    .project("bench-init")
                    .home(home)
                    .config(Map.of("lr", 0.01, "layers", 3, "optimizer", Map.of("name", "adam")))
                    .tags("bench")
                    .build());
            long dt = System.nanoTime() - t0;
            run.log(Map.of("loss", 1.0));
            run.close();
            if (i >= 5) {
                times[i - 5] = dt;
            }
        }
        Arrays.sort(times);
        Stats.result("init.p50", Stats.percentile(times, 50) / 1e6, "ms", "<= 100 ms");
        Stats.result("init.max", times[times.length - 1] / 1e6, "ms", "<= 100 ms");
    }
}
