package dev.keel.bench;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The store bench/startup.sh lists: N finished runs (default 10,000) of project {@code bench},
 * 20 config keys and 10 summary metrics each ({@code acc} among them), and run {@code b0000001}
 * with a 1,000-step loss history for {@code keel run show}. Compiled alone against a CLI jar.
 *   java -cp keel.jar:DIR dev.keel.bench.StartupSeed HOME [N]
 */
public final class StartupSeed {
    private StartupSeed() {}

    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Random rnd = new Random(7);
        try (Store store = Stores.open(new KeelHome(home).ensureExists().storeLocation())) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < runs; i++) {
                Map<String, Object> config = new LinkedHashMap<>();
                for (int c = 0; c < 20; c++) {
                    config.put("param_" + c, c % 3 == 0 ? (Object) ("v" + rnd.nextInt(5)) : (Object) rnd.nextDouble());
                }
                String id = "b" + String.format("%7s", Integer.toString(i, 36)).replace(' ', '0');
                store.createRun(
                        new RunInfo(
                                id,
                                "bench",
                                "run-" + i,
                                "",
                                "bench",
                                List.of("t" + (i % 4)),
                                "",
                                RunState.RUNNING,
                                now - i * 1000L,
                                now - i * 1000L,
                                0,
                                0,
                                "",
                                "host",
                                1,
                                config,
                                Map.of()),
                        Map.of("jvm", Map.of("version", "17"), "git", Map.of("commit", "0123456789abcdef")));
                WriteBatch b = new WriteBatch();
                b.summary.put("acc", rnd.nextDouble());
                for (int m = 1; m < 10; m++) {
                    b.summary.put("metric_" + m, rnd.nextDouble());
                }
                if (i == 1) {
                    for (int step = 0; step < 1000; step++) {
                        b.metrics.add("loss", step, now + step, 1.0 / (step + 1));
                    }
                }
                b.state = RunState.FINISHED;
                b.endedAt = now - i * 1000L + 60_000;
                b.heartbeatAt = b.endedAt;
                store.apply(id, b);
            }
        }
    }
}
