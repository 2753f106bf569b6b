package dev.keel.cli.demo;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.SummaryMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A stand-in training loop for {@code keel demo} until the reference project lands: it "trains"
 * a simulated classifier whose loss falls at a rate set by its config, and logs it exactly as a
 * real program would, through {@link Keel#init}, {@link Run#log} and {@link Run#summary()}.
 */
public final class DemoTraining {
    static final int EPOCHS = 8;
    static final int BATCHES_PER_EPOCH = 25;

    /** The three configs the demo compares. */
    static final List<Map<String, Object>> CONFIGS =
            List.of(config(0.01, 2, "adam", 128), config(0.001, 3, "adam", 256), config(0.1, 1, "sgd", 64));

    private DemoTraining() {}

    private static Map<String, Object> config(double lr, int layers, String optimizer, int hidden) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("lr", lr);
        c.put("layers", layers);
        c.put("hidden", hidden);
        c.put("optimizer", optimizer);
        c.put("epochs", EPOCHS);
        c.put("seed", 42);
        return c;
    }

    /** Trains every demo config as one run in {@code home}; returns the run ids. */
    public static List<String> runAll(Path home, String project, Consumer<String> progress) {
        List<String> ids = new ArrayList<>();
        for (Map<String, Object> config : CONFIGS) {
            RunOptions options = RunOptions.builder()
                    .project(project)
                    .home(home)
                    .config(config)
                    .tags("demo", (String) config.get("optimizer"))
                    .notes(config.get("optimizer") + ", " + config.get("layers") + " x " + config.get("hidden"))
                    .systemMetrics(false)
                    .captureConsole(false)
                    .build();
            try (Run run = Keel.init(options)) {
                train(run, config);
                run.flush();
                progress.accept(String.format(
                        "  %s  %-24s val_accuracy %.4f",
                        run.id(), run.name(), ((Number) run.summary().get("val_accuracy")).doubleValue()));
                ids.add(run.id());
            }
        }
        return ids;
    }

    /**
     * The simulated curve: loss decays towards a floor set by capacity (layers, hidden) at a speed
     * set by the optimizer and learning rate, with seeded noise; too high a rate plateaus early.
     */
    static void train(Run run, Map<String, Object> config) {
        double lr = (Double) config.get("lr");
        int layers = (Integer) config.get("layers");
        int hidden = (Integer) config.get("hidden");
        boolean adam = "adam".equals(config.get("optimizer"));
        Random random = new Random(((Integer) config.get("seed")).longValue() + layers);
        double speed = (adam ? 3.0 : 1.2) * Math.min(1.0, Math.sqrt(lr / 0.01)) / BATCHES_PER_EPOCH;
        double floor = 0.22 + 0.25 / (layers * Math.sqrt(hidden / 64.0)) + (lr > 0.05 ? 0.12 : 0.0);
        run.summary().define("val_loss", SummaryMode.MIN).define("val_accuracy", SummaryMode.MAX);
        long step = 0;
        double bestValAccuracy = 0;
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            double epochLoss = 0;
            double epochAcc = 0;
            for (int b = 0; b < BATCHES_PER_EPOCH; b++, step++) {
                double loss = floor + 2.0 * Math.exp(-speed * step) + 0.04 * random.nextGaussian();
                double accuracy = Math.min(0.99, Math.max(0.05, 1.0 - 0.42 * loss + 0.01 * random.nextGaussian()));
                run.log(Map.of("loss", loss, "accuracy", accuracy), step);
                epochLoss += loss;
                epochAcc += accuracy;
            }
            double valLoss = epochLoss / BATCHES_PER_EPOCH
                    + 0.03
                    + 0.01 * epoch * (lr > 0.05 ? 1 : 0)
                    + 0.02 * random.nextGaussian();
            double valAccuracy = Math.min(0.99, epochAcc / BATCHES_PER_EPOCH - 0.015 + 0.005 * random.nextGaussian());
            run.log(Map.of("val_loss", valLoss, "val_accuracy", valAccuracy), step - 1);
            bestValAccuracy = Math.max(bestValAccuracy, valAccuracy);
        }
        double test = bestValAccuracy - 0.006 + 0.004 * random.nextGaussian();
        run.summary().put("test_accuracy", Math.round(test * 10000) / 10000.0);
    }
}
