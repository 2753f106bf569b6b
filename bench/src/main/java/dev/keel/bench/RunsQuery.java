package dev.keel.bench;

import dev.keel.core.Ids;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.filter.Field;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code keel runs} over 10,000 runs × 20 config keys × 10 summary metrics sorted by a metric:
 * the store query alone (median of 20), and the whole command with JVM start (median of 5,
 * needs {@code --cli-jar keel-cli/target/keel.jar}).
 */
final class RunsQuery {
    private RunsQuery() {}

    static void main(String[] args) {
        int runs = (int) Stats.arg(args, "--runs", 10_000);
        String cliJar = Stats.arg(args, "--cli-jar", "keel-cli/target/keel.jar");
        Path home = Homes.fresh("runsquery");
        KeelHome keelHome = new KeelHome(home).ensureExists();
        Random rnd = new Random(7);
        try (Store store = Stores.open(keelHome.storeLocation())) {
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
            Field sort = Field.parse("val_loss");
            double[] ms = new double[22];
            double[] allMs = new double[12];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                List<RunInfo> page = store.searchRuns(new RunQuery("bench", null, sort, true, 50, 0));
                ms[i] = (System.nanoTime() - t0) / 1e6;
                if (page.size() != 50) {
                    throw new IllegalStateException("got " + page.size() + " runs");
                }
            }
            for (int i = 0; i < allMs.length; i++) {
                long t0 = System.nanoTime();
                List<RunInfo> all = store.searchRuns(new RunQuery("bench", null, sort, true, 0, 0));
                allMs[i] = (System.nanoTime() - t0) / 1e6;
                if (all.size() != runs) {
                    throw new IllegalStateException("got " + all.size() + " runs");
                }
            }
            Stats.result("runs.query.top50", Stats.median(Arrays.copyOfRange(ms, 2, ms.length)), "ms", "<= 50 ms");
            Stats.result(
                    "runs.query.all" + runs,
                    Stats.median(Arrays.copyOfRange(allMs, 2, allMs.length)),
                    "ms",
                    "<= 50 ms");
        }
        if (Files.isRegularFile(Path.of(cliJar))) {
            String javaBin =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            double[] cmd = new double[6];
            for (int i = 0; i < cmd.length; i++) {
                try {
                    ProcessBuilder pb = new ProcessBuilder(
                                    javaBin,
                                    "-jar",
                                    cliJar,
                                    "runs",
                                    "--project",
                                    "bench",
                                    "--sort",
                                    "-val_loss",
                                    "--limit",
                                    "50")
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.INHERIT);
                    pb.environment().put("KEEL_HOME", home.toString());
                    long t0 = System.nanoTime();
                    int rc = pb.start().waitFor();
                    cmd[i] = (System.nanoTime() - t0) / 1e6;
                    if (rc != 0) {
                        throw new IllegalStateException("keel runs exited " + rc);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            Stats.result("runs.command", Stats.median(Arrays.copyOfRange(cmd, 1, cmd.length)), "ms", "<= 1500 ms");
        } else {
            System.err.println("no CLI jar at " + cliJar + ": whole-command timing skipped");
        }
    }
}
