package dev.keel.examples.apparel.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.Checkpoints;
import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.SummaryMode;
import dev.keel.core.KeelException;
import dev.keel.djl.DjlEnvironment;
import dev.keel.djl.KeelTrainingListener;
import dev.keel.examples.apparel.datasets.DatasetException;
import dev.keel.examples.apparel.datasets.FashionMnistDataset;
import dev.keel.examples.apparel.datasets.ImageSet;
import dev.keel.examples.apparel.models.Evaluation;
import dev.keel.examples.apparel.models.ImageModel;
import dev.keel.examples.apparel.networks.NetworkSpec;
import dev.keel.examples.apparel.predictor.ApparelPredictor;
import dev.keel.examples.apparel.serving.ServingPackage;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trains one experiment, tracked by Keel:
 * {@code RunExperiment [EXPERIMENT] [key=value…] [--resume RUN_ID]}, where EXPERIMENT is a YAML
 * file or the name of one in {@code training/experiments/} (default {@code mlp}). Logs the
 * config, the dataset files' checksums, batch loss, per-epoch metrics and a summary (best
 * {@code val_accuracy}, {@code test_accuracy}); saves checkpoints every epoch (and every
 * {@code checkpoint_every_steps} batches); saves the weights under {@code artifacts/} and
 * registers them as the next version of model {@value #MODEL} ({@link PromoteWeights} pulls the
 * version {@code production} points at into {@code weights/}). A tracked run trains on the Keel dataset version {@code dataset_ref}
 * names (default {@code fashion-mnist:latest}, registered as v1 when missing), read through
 * {@code run.useDataset}, so the run records the exact version; see {@link DatasetInput}.
 *
 * <p>Resuming: with {@code --resume RUN_ID}, or {@code KEEL_RESUME=RUN_ID} in the environment (what
 * {@code keel run resume RUN_ID} sets), the run continues under its id from its last good
 * checkpoint, exactly where it stopped, and its summary records {@code resumed_from_checkpoint}.
 * It rewinds the run's metrics to the checkpoint's step ({@code run.rewind}), so the steps the
 * stopped attempt logged after its checkpoint are stored once, by the resumed attempt.
 *
 * <p>As a sweep's trial ({@code keel agent} starts {@code ./run train mlp key=value…} with
 * {@code KEEL_RUN_ID} and {@code KEEL_SWEEP} set), it checks {@code run.shouldStop()} at each
 * epoch end: when the sweep's early-termination rule gives up on the trial, training ends after
 * that epoch's checkpoint, the test set is evaluated and the weights saved as usual, and the run
 * ends {@code stopped} with the reason.
 */
public final class RunExperiment {
    /** The registered model every tracked run adds a version to. */
    public static final String MODEL = "apparel-classifier";

    private RunExperiment() {}

    /** What a finished experiment produced. */
    public record Outcome(
            List<TrainingLoop.EpochResult> epochs, Evaluation test, double trainSeconds, Path weights, String runId) {}

    public static void main(String[] args) {
        try {
            Path experiment = Path.of("training/experiments/mlp.yaml");
            List<String> rest = new ArrayList<>(Arrays.asList(args));
            String resume = null;
            int at = rest.indexOf("--resume");
            if (at >= 0) {
                if (at + 1 >= rest.size()) {
                    throw new IllegalArgumentException(
                            "--resume needs a run id, e.g. --resume 6v8m5w0s (see `keel runs`)");
                }
                resume = rest.remove(at + 1);
                rest.remove(at);
            }
            args = rest.toArray(new String[0]);
            List<String> overrides = Arrays.asList(args);
            if (args.length > 0 && !args[0].contains("=")) {
                experiment = resolve(args[0]);
                overrides = overrides.subList(1, overrides.size());
            }
            ExperimentConfig config = ExperimentConfig.load(experiment, overrides);
            // the results are printed by run(), while the run is live, so that they are in its console log
            run(config, Path.of("artifacts"), CurrentStdout.stream(), null, resume);
        } catch (IllegalArgumentException | DatasetException | KeelException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static Path resolve(String name) {
        Path p = Path.of(name);
        if (Files.exists(p)) {
            return p;
        }
        Path named = Path.of("training", "experiments", name.endsWith(".yaml") ? name : name + ".yaml");
        if (Files.exists(named)) {
            return named;
        }
        throw new IllegalArgumentException("experiment '" + name + "' not found (looked for " + p + " and " + named
                + "); run from examples/apparel-classifier or give a path");
    }

    /** Trains and evaluates {@code config}, tracking it unless {@code track} is false; saves weights under {@code artifactsDir}. */
    public static Outcome run(ExperimentConfig config, Path artifactsDir, PrintStream out) throws IOException {
        return run(config, artifactsDir, out, null);
    }

    /** As {@link #run(ExperimentConfig, Path, PrintStream)}, tracking into the {@code .keel} folder {@code keelHome} (null: the usual lookup). */
    public static Outcome run(ExperimentConfig config, Path artifactsDir, PrintStream out, Path keelHome)
            throws IOException {
        return run(config, artifactsDir, out, keelHome, null);
    }

    /**
     * As {@link #run(ExperimentConfig, Path, PrintStream, Path)}, continuing the run {@code resume}
     * when not null (as {@code KEEL_RESUME} does): training starts again from the run's last good
     * checkpoint, mid-epoch if that is where it was saved.
     */
    public static Outcome run(ExperimentConfig config, Path artifactsDir, PrintStream out, Path keelHome, String resume)
            throws IOException {
        DjlEnvironment.prepare(config.threads());
        Run run = config.track() ? startRun(config, out, keelHome, resume) : null;
        try {
            return train(config, artifactsDir, out, keelHome, run);
        } catch (RuntimeException | IOException | Error e) {
            if (run != null) {
                run.fail(e);
            }
            throw e;
        }
    }

    private static Outcome train(ExperimentConfig config, Path artifactsDir, PrintStream out, Path keelHome, Run run)
            throws IOException {
        // tracked: the Keel dataset version, recorded as the run's input; untracked: the files as found
        FashionMnistDataset data = run != null
                ? DatasetInput.use(run, config, keelHome, out)
                : FashionMnistDataset.open(config.dataDir().isEmpty() ? null : Path.of(config.dataDir()));
        FashionMnistDataset.Split split = data.split(config.seed(), config.validationSize());
        ImageSet train = split.train().head(config.trainLimit());
        ImageSet test = data.test();
        out.printf(
                Locale.ROOT,
                "data: %d train, %d validation, %d test (from %s)%n",
                train.size(),
                split.validation().size(),
                test.size(),
                data.sources().values().iterator().next().getParent());

        NetworkSpec spec = new NetworkSpec(
                config.network(),
                config.layers(),
                config.dropout(),
                data.classNames().size());
        try (ImageModel model = new ImageModel(spec, data.classNames())) {
            TrainingLoop loop = new TrainingLoop(model, config);
            Checkpoints.Loaded<TrainingCheckpoint> resumed = null;
            if (run != null) {
                KeelTrainingListener tracking = new KeelTrainingListener(run, config.logEvery());
                loop.addListener(tracking);
                Checkpoints checkpoints =
                        run.checkpoints().keepLast(config.keepCheckpoints()).keepBest("val_accuracy", SummaryMode.MAX);
                resumed = TrainingCheckpoints.resume(checkpoints, config, out);
                if (resumed != null) {
                    TrainingCheckpoint c = resumed.state();
                    loop.resumeFrom(c);
                    // metrics continue at the steps an uninterrupted run would have logged them at
                    tracking.restore(c.step(), c.epochsDone());
                    // what the stopped attempt logged after this checkpoint is logged again from
                    // here on: drop it, so that every step is stored once
                    run.rewind(c.step());
                    out.println(
                            "resume: metrics logged after step " + c.step() + " by the stopped attempt are dropped");
                    run.summary()
                            .put("resumed_from_checkpoint", resumed.checkpoint().name());
                } else if (run.step() > 0) {
                    run.rewind(-1);
                    out.println("resume: no checkpoint to continue from; training starts again and the metrics"
                            + " logged by the stopped attempt are dropped");
                }
                loop.checkpoints(config.checkpointEverySteps(), new TrainingCheckpoints(run, checkpoints, out));
                // a sweep's trial: stop after the epoch in which the sweep gave up on it, its
                // checkpoint saved; the run then ends `stopped` with the reason
                loop.stopWhen(run::shouldStop);
            }
            EpochGate gate = EpochGate.fromEnvironment();
            gate.before(0);
            long start = System.nanoTime();
            List<TrainingLoop.EpochResult> epochs = loop.fit(train, split.validation(), r -> {
                gate.after(r.epoch() - 1);
                gate.before(r.epoch()); // after the last epoch: wait until every trainer is done timing
            });
            if (run != null && run.shouldStop() && epochs.size() < config.epochs()) {
                out.println("stopped after epoch " + epochs.size() + " of " + config.epochs() + ": "
                        + run.stopReason().orElse(""));
            }
            double seconds = (System.nanoTime() - start) / 1e9
                    + (resumed != null ? resumed.state().trainSeconds() : 0);
            Evaluation eval = loop.evaluate(test);
            String id = run != null
                    ? run.id()
                    : "local-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Path weights = artifactsDir
                    .resolve(id)
                    .resolve("ImageModel_FashionMnistDataset_" + config.network() + "_weights.bin");
            model.save(weights);
            Path serving = ServingPackage.write(
                    model, train, run != null ? config.datasetRef() : "", weights.resolveSibling("serving"));
            double best = epochs.stream()
                    .mapToDouble(TrainingLoop.EpochResult::valAccuracy)
                    .max()
                    .orElse(Double.NaN);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("best_val_accuracy", best);
            summary.put("test_accuracy", eval.accuracy());
            summary.put("test_loss", eval.loss());
            summary.put("train_time_s", seconds);
            Files.writeString(
                    weights.resolveSibling("summary.json"),
                    new ObjectMapper()
                            .writerWithDefaultPrettyPrinter()
                            .writeValueAsString(Map.of(
                                    "run",
                                    id,
                                    "config",
                                    config.toMap(),
                                    "summary",
                                    summary,
                                    "dataset",
                                    data.checksums())));
            out.printf(
                    Locale.ROOT,
                    "test_accuracy %.4f  test_loss %.4f  training %.1f s%nweights: %s%n",
                    eval.accuracy(),
                    eval.loss(),
                    seconds,
                    weights);
            // for bench/apparel_compare.sh: each epoch's wall time, validation included
            out.println("epoch_times_s "
                    + String.join(
                            " ",
                            epochs.stream()
                                    .map(e -> String.format(Locale.ROOT, "%.3f", e.seconds()))
                                    .toList()));
            if (run != null) {
                try (Run r = run) {
                    summary.forEach((k, v) -> r.summary().put(k, v));
                    r.logArtifact("model", weights);
                    r.logArtifact("serving", serving);
                    register(r, weights, out);
                }
            }
            return new Outcome(epochs, eval, seconds, weights, id);
        }
    }

    /**
     * Registers the run's weights as the next version of {@value #MODEL}, laid out as the
     * predictor reads {@code weights/} ({@value ApparelPredictor#WEIGHTS} and
     * {@code summary.json}), so {@code keel model pull apparel-classifier@production weights} is
     * the promotion. The bytes are the logged weights', stored once.
     */
    private static void register(Run run, Path weights, PrintStream out) throws IOException {
        Path release = weights.resolveSibling("release");
        Files.createDirectories(release);
        Files.copy(weights, release.resolve(ApparelPredictor.WEIGHTS), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(
                weights.resolveSibling("summary.json"),
                release.resolve("summary.json"),
                StandardCopyOption.REPLACE_EXISTING);
        try {
            out.println("registered " + run.registerModel(MODEL, release) + " (promote it: keel model alias " + MODEL
                    + "@production VERSION --require 'test_accuracy >= 0.88')");
        } catch (KeelException e) {
            out.println("model not registered: " + e.getMessage());
        }
    }

    private static Run startRun(ExperimentConfig config, PrintStream out, Path keelHome, String resume) {
        // the published checksums of the four IDX files; the exact version is the run's input
        Map<String, Object> sha256 = new TreeMap<>();
        FashionMnistDataset.defaultSpec().files().values().forEach(f -> sha256.put(f.rawName(), f.sha256()));
        Map<String, Object> dataset = new LinkedHashMap<>();
        dataset.put("name", FashionMnistDataset.defaultSpec().name());
        dataset.put("sha256", new LinkedHashMap<>(sha256));
        try {
            Keel.seed(config.seed());
            Run run = Keel.init(RunOptions.builder()
                    .project(config.project())
                    .config(config.toMap())
                    .config(Map.of("dataset", dataset))
                    .tags(config.network())
                    .home(keelHome)
                    .resume(resume)
                    .build());
            run.summary().define("val_accuracy", SummaryMode.MAX).define("val_loss", SummaryMode.MIN);
            out.println("tracking: run " + run.name() + " (" + run.id() + ") in project " + run.project());
            return run;
        } catch (UnsupportedOperationException e) {
            out.println(
                    "tracking: unavailable in this build of the Keel SDK (" + e.getMessage() + "); training untracked");
            return null;
        }
    }
}
