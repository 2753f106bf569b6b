package {{package}}.training;

import ai.djl.engine.Engine;
import ai.djl.training.TrainingResult;
import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.SummaryMode;
import dev.keel.djl.DjlEnvironment;
import dev.keel.djl.KeelTrainingListener;
import {{package}}.datasets.BlobsDataset;
import {{package}}.models.Classifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains one experiment, tracked by Keel: {@code RunExperiment [EXPERIMENT] [key=value…]}, where
 * EXPERIMENT is a YAML file or the name of one in {@code training/experiments/} (default
 * {@code default}). The config, per-epoch metrics (through Keel's DJL listener) and a summary
 * are recorded; the weights are saved under {@code artifacts/RUN_ID/} and kept with the run.
 */
public final class RunExperiment {
    private RunExperiment() {
    }

    /** What a finished experiment produced. */
    public record Outcome(String runId, double accuracy, double valAccuracy, Path weights) {
    }

    public static void main(String[] args) throws IOException {
        List<String> overrides = new ArrayList<>(Arrays.asList(args));
        Path experiment = Path.of("training/experiments/default.yaml");
        if (!overrides.isEmpty() && !overrides.get(0).contains("=")) {
            String name = overrides.remove(0);
            experiment = Files.exists(Path.of(name)) ? Path.of(name)
                    : Path.of("training/experiments", name.endsWith(".yaml") ? name : name + ".yaml");
        }
        if (!Files.isRegularFile(experiment)) {
            System.err.println("error: experiment " + experiment + " not found; run from the project folder or give a path");
            System.exit(2);
        }
        run(experiment, overrides, null, Path.of("artifacts"));
    }

    /** Trains {@code experiment} with {@code overrides}, tracked in {@code keelHome} (null: the project's .keel). */
    public static Outcome run(Path experiment, List<String> overrides, Path keelHome, Path artifacts) throws IOException {
        RunOptions options = RunOptions.builder().project("{{name}}").configFile(experiment)
                .override(overrides.toArray(String[]::new)).tags("mlp").home(keelHome).build();
        try (Run run = Keel.init(options)) {
            Map<String, Object> c = run.config();
            long seed = number(c, "seed").longValue();
            DjlEnvironment.prepare(number(c, "threads").intValue());
            Keel.seed(seed);
            Engine.getInstance().setRandomSeed((int) seed);
            run.summary().define("val_accuracy", SummaryMode.MAX);

            BlobsDataset[] split = BlobsDataset.generate(number(c, "samples").intValue(), seed).split(0.8);
            try (Classifier classifier = new Classifier(hidden(c.get("hidden")))) {
                TrainingResult result = classifier.fit(split[0], split[1], number(c, "epochs").intValue(),
                        number(c, "batch_size").intValue(), number(c, "learning_rate").doubleValue(),
                        new KeelTrainingListener(run, 10));
                Path weights = classifier.save(artifacts.resolve(run.id()));
                double accuracy = result.getTrainEvaluation("accuracy");
                double valAccuracy = result.getValidateEvaluation("accuracy");
                run.summary().put("final_accuracy", accuracy);
                run.logArtifact("model", weights);
                // printed while the run is live, so that the line is in its console log too
                System.out.printf(Locale.ROOT, "run %s: accuracy %.4f, val_accuracy %.4f%nweights: %s%n",
                        run.id(), accuracy, valAccuracy, weights);
                return new Outcome(run.id(), accuracy, valAccuracy, weights);
            }
        }
    }

    private static Number number(Map<String, Object> config, String key) {
        Object v = config.get(key);
        if (v instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("config key '" + key + "' must be a number, got " + v
                + " (set it in the experiment YAML or as " + key + "=VALUE)");
    }

    private static List<Integer> hidden(Object v) {
        if (v instanceof List<?> list) {
            return list.stream().map(o -> ((Number) o).intValue()).toList();
        }
        throw new IllegalArgumentException("config key 'hidden' must be a list of layer sizes such as [32, 32], got " + v);
    }
}
