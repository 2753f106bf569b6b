package dev.keel.cli.docs;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.SummaryMode;
import dev.keel.cli.Cli;
import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Keel folder holding what {@code ./keel demo} leaves, without the four minutes of training:
 * the dataset {@code fashion-mnist} (four small files named like its IDX files) and three runs of
 * project {@code apparel-classifier} logged through the SDK with the reference project's config
 * keys (the four {@code dataset.sha256.*} included), per-epoch metrics and summary. The newest
 * run failed part-way, so it can be resumed.
 */
final class DemoShapedRuns {
    static final String PROJECT = "apparel-classifier";
    static final String DATASET = "fashion-mnist";
    private static final List<String> FILES = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** The id of the run that failed part-way, the one {@code RUN_ID} stands for in the docs. */
    final String stoppedRun;

    private DemoShapedRuns(String stoppedRun) {
        this.stoppedRun = stoppedRun;
    }

    static DemoShapedRuns create(Path home, Path scratch) throws IOException {
        Path data = Files.createDirectories(scratch.resolve(DATASET));
        for (String f : FILES) {
            Files.writeString(data.resolve(f), "stand-in for " + f + "\n");
        }
        keel("data", "add", DATASET, data.toString(), "-m", "Fashion-MNIST: 4 IDX files", "--home", home.toString());
        train(home, Map.of(), 5, 0.8855, false);
        train(home, Map.of("learning_rate", 0.003, "epochs", 3), 3, 0.8712, false);
        String stopped = train(home, Map.of("epochs", 10), 10, 0, true);
        return new DemoShapedRuns(stopped);
    }

    private static String train(
            Path home, Map<String, Object> overrides, int epochs, double testAccuracy, boolean stops) {
        Map<String, Object> config = config();
        config.putAll(overrides);
        RunOptions options = RunOptions.builder()
                .project(PROJECT)
                .home(home)
                .config(config)
                .tags("mlp")
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        Run run = Keel.init(options);
        run.useDataset(DATASET + ":latest");
        run.summary().define("val_accuracy", SummaryMode.MAX).define("val_loss", SummaryMode.MIN);
        int logged = stops ? 2 : epochs;
        double best = 0;
        for (int epoch = 1; epoch <= logged; epoch++) {
            long step = epoch * 844L;
            double valAccuracy = 0.80 + 0.017 * epoch;
            best = Math.max(best, valAccuracy);
            run.log(Map.of("batch_loss", 0.6 / epoch), step - 1);
            run.log(
                    Map.of(
                            "epoch",
                            epoch,
                            "loss",
                            0.55 - 0.04 * epoch,
                            "accuracy",
                            0.79 + 0.02 * epoch,
                            "val_loss",
                            0.45 - 0.025 * epoch,
                            "val_accuracy",
                            valAccuracy,
                            "epoch_time_s",
                            4.2),
                    step);
        }
        if (stops) {
            run.fail(new IllegalStateException("stopped by the docs test"));
            recordDemoCommand(home, run.id());
            return run.id();
        }
        run.summary().put("best_val_accuracy", best);
        run.summary().put("test_accuracy", testAccuracy);
        run.summary().put("test_loss", 0.3198);
        run.summary().put("train_time_s", 22.2);
        run.close();
        return run.id();
    }

    /**
     * Gives the stopped run the command line a demo run records (the reference project's main
     * class in a child JVM), in place of this test JVM's, which the background provenance capture
     * may not have recorded yet on a loaded machine.
     */
    private static void recordDemoCommand(Path home, String runId) {
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            WriteBatch b = new WriteBatch();
            b.provenance.putAll(store.provenance(runId));
            b.provenance.put(
                    "command",
                    Map.of(
                            "argv",
                            List.of(
                                    "java",
                                    "-Dai.djl.offline=true",
                                    "-cp",
                                    "target/classes",
                                    "dev.keel.examples.apparel.training.RunExperiment",
                                    "epochs=10"),
                            "working_dir",
                            home.getParent().toString()));
            store.apply(runId, b);
        }
    }

    /** The reference project's config as {@code RunExperiment} records it (mlp.yaml). */
    private static Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("network", "mlp");
        c.put("layers", List.of(512, 256));
        c.put("dropout", 0.2);
        c.put("epochs", 5);
        c.put("batch_size", 64);
        c.put("optimizer", "adam");
        c.put("learning_rate", 0.001);
        c.put("lr_schedule", "cosine");
        c.put("weight_decay", 0.0);
        c.put("seed", 42);
        c.put("threads", 2);
        c.put("validation_size", 6000);
        c.put("train_limit", 0);
        c.put("log_every", 50);
        c.put("project", PROJECT);
        c.put("data_dir", "");
        c.put("track", true);
        c.put("checkpoint_every_steps", 0);
        c.put("keep_checkpoints", 3);
        c.put("dataset_ref", DATASET + ":latest");
        Map<String, Object> sha256 = new LinkedHashMap<>();
        for (String f : FILES) {
            sha256.put(f, Integer.toHexString(f.hashCode()).repeat(16).substring(0, 64));
        }
        c.put("dataset", Map.of("name", DATASET, "sha256", sha256));
        return c;
    }

    private static void keel(String... args) {
        Cli.Result r = Cli.execute("", args);
        if (r.code() != 0) {
            throw new IllegalStateException(
                    "keel " + String.join(" ", args) + " exited " + r.code() + ": " + r.out() + r.err());
        }
    }
}
