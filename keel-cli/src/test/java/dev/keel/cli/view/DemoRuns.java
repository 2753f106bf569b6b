package dev.keel.cli.view;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.SummaryMode;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Three runs shaped like {@code keel demo}'s (the reference project's RunExperiment with DJL's
 * training listener): its config keys with the four {@code dataset.sha256.*} checksums, per-epoch
 * float metrics, {@code val_accuracy} kept as its maximum and {@code val_loss} as its minimum,
 * and the test results put in the summary. Recorded through the SDK in a real {@code .keel}.
 */
public final class DemoRuns {
    public static final String PROJECT = "apparel-classifier";
    /** Fixed times, so that golden output does not depend on when the test runs (UTC). */
    public static final long T0 = 1_764_000_000_000L;

    private DemoRuns() {}

    /** Records the runs in {@code home} (a {@code .keel} folder); returns their ids, oldest first. */
    public static List<String> record(Path home) {
        List<String> ids = new ArrayList<>();
        ids.add(train(
                home,
                "mlp-baseline",
                config("mlp", List.of(256, 128), 0.2, 5, 0.001, "constant", 0, 0),
                new float[] {0.8612f, 0.8751f, 0.8933f, 0.8871f, 0.8922f},
                0.8855f));
        ids.add(train(
                home,
                "mlp-wide",
                config("mlp", List.of(512, 256), 0.2, 5, 0.001, "cosine", 0, 0),
                new float[] {0.8655f, 0.8790f, 0.8861f, 0.8950f, 0.8992f},
                0.8921f));
        ids.add(train(
                home,
                "cnn-small",
                config("cnn", List.of(32, 64, 128), 0.3, 10, 0.001, "cosine", 200, 3),
                new float[] {
                    0.8702f, 0.8866f, 0.8951f, 0.9002f, 0.9044073820114136f, 0.9071f, 0.9103f, 0.9118f, 0.9135f, 0.9129f
                },
                0.9087f));
        return ids;
    }

    /** The recorded runs, newest first, with fixed ids, times and runtimes for golden output. */
    public static List<RunInfo> fixed(Path home) {
        List<RunInfo> runs;
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            runs = store.searchRuns(RunQuery.project(PROJECT));
        }
        List<RunInfo> fixed = new ArrayList<>();
        for (RunInfo r : runs) {
            int i = switch (r.name()) {
                case "mlp-baseline" -> 0;
                case "mlp-wide" -> 1;
                default -> 2;
            };
            long created = T0 + i * 600_000L;
            long runtime = 95_000L + i * 131_000L;
            fixed.add(new RunInfo(
                    "a1b2c3d" + i,
                    r.project(),
                    r.name(),
                    r.group(),
                    r.user(),
                    r.tags(),
                    r.notes(),
                    r.state(),
                    created,
                    created + runtime,
                    created + runtime,
                    runtime,
                    r.sweep(),
                    r.host(),
                    r.pid(),
                    r.config(),
                    r.summary(),
                    r.problems()));
        }
        fixed.sort((a, b) -> Long.compare(b.createdAt(), a.createdAt()));
        return fixed;
    }

    private static String train(
            Path home, String name, Map<String, Object> config, float[] valAccuracy, float testAccuracy) {
        RunOptions options = RunOptions.builder()
                .project(PROJECT)
                .name(name)
                .user("ada")
                .home(home)
                .config(config)
                .config(Map.of("dataset", dataset()))
                .tags((String) config.get("network"))
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        try (Run run = Keel.init(options)) {
            run.summary().define("val_accuracy", SummaryMode.MAX).define("val_loss", SummaryMode.MIN);
            long step = 0;
            for (int epoch = 1; epoch <= valAccuracy.length; epoch++) {
                step += 844;
                Map<String, Number> metrics = new LinkedHashMap<>();
                metrics.put("accuracy", valAccuracy[epoch - 1] + 0.0123f);
                metrics.put("loss", 0.61f - 0.031f * epoch);
                metrics.put("val_accuracy", valAccuracy[epoch - 1]);
                metrics.put("val_loss", 0.38f - 0.012f * epoch + (epoch == valAccuracy.length ? 0.004f : 0f));
                metrics.put("epoch", epoch);
                metrics.put("epoch_time_s", 18.5f + 0.25f * epoch);
                run.log(metrics, step);
            }
            run.summary().put("test_accuracy", testAccuracy);
            run.summary().put("test_loss", 0.2571f + 2 * (0.92f - testAccuracy));
            run.summary().put("train_time_s", valAccuracy.length * 19.37 + testAccuracy);
            return run.id();
        }
    }

    private static Map<String, Object> config(
            String network,
            List<Integer> layers,
            double dropout,
            int epochs,
            double learningRate,
            String schedule,
            int checkpointEvery,
            int keep) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", network);
        m.put("layers", layers);
        m.put("dropout", dropout);
        m.put("epochs", epochs);
        m.put("batch_size", 64);
        m.put("optimizer", "adam");
        m.put("learning_rate", learningRate);
        m.put("lr_schedule", schedule);
        m.put("weight_decay", 0.0);
        m.put("seed", 42L);
        m.put("threads", 2);
        m.put("validation_size", 6000);
        m.put("train_limit", 0);
        m.put("log_every", 50);
        m.put("checkpoint_every_steps", checkpointEvery);
        m.put("keep_checkpoints", keep == 0 ? 3 : keep);
        m.put("dataset_ref", "fashion-mnist:latest");
        return m;
    }

    private static Map<String, Object> dataset() {
        Map<String, Object> sha256 = new TreeMap<>();
        sha256.put("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b");
        sha256.put("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");
        sha256.put("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888");
        sha256.put("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9");
        Map<String, Object> dataset = new LinkedHashMap<>();
        dataset.put("name", "fashion-mnist");
        dataset.put("sha256", sha256);
        return dataset;
    }
}
