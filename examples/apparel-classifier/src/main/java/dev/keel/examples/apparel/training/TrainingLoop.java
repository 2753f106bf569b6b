package dev.keel.examples.apparel.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import dev.keel.examples.apparel.console.ProgressBar;
import dev.keel.examples.apparel.datasets.BatchSequence;
import dev.keel.examples.apparel.datasets.ImageSet;
import dev.keel.examples.apparel.datasets.Shuffles;
import dev.keel.examples.apparel.models.Evaluation;
import dev.keel.examples.apparel.models.ImageModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The training loop: seeded initialisation, per-epoch shuffled mini-batches, Adam steps,
 * validation, and DJL listeners (metrics, progress, Keel tracking) notified as DJL's own
 * {@code EasyTrain.fit} would.
 *
 * <p>Reproducibility and resumability: everything random is a pure function of the seed and a
 * position. Parameters are initialised right after {@code setRandomSeed(seed)}; the data order
 * of epoch {@code e} is {@code Shuffles.permutation(n, seed, e)}; and the engine's generator
 * (dropout masks) is reseeded before every batch with {@code mix(seed, step)}. A checkpoint is
 * therefore exact with parameters, {@link NamedAdam#state()}, the epoch and the step alone — no
 * generator state to capture. With pinned thread counts two runs agree bit for bit on one machine.
 */
public final class TrainingLoop {
    private final ImageModel model;
    private final ExperimentConfig config;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private boolean progress = true;
    private boolean djlAdam;
    private TrainingCheckpoint resumeFrom;
    private int checkpointEvery;
    private CheckpointSink sink;
    private BooleanSupplier stop = () -> false;

    /** Receives the loop's checkpoints: at the end of every epoch, and every N steps when asked. */
    @FunctionalInterface
    public interface CheckpointSink {
        /**
         * Keeps {@code checkpoint}; {@code metrics} holds the epoch's metrics at an epoch boundary
         * and is empty mid-epoch. A sink that cannot keep it should say so and return: training goes on.
         */
        void save(TrainingCheckpoint checkpoint, Map<String, Double> metrics);
    }

    /** Per-epoch metrics as the loop saw them. */
    public record EpochResult(
            int epoch, double loss, double accuracy, double valLoss, double valAccuracy, double seconds) {}

    public TrainingLoop(ImageModel model, ExperimentConfig config) {
        this.model = model;
        this.config = config;
    }

    /** Adds DJL listeners (such as Keel's), notified after the metric listeners. */
    public TrainingLoop addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Turns the per-epoch progress bar on or off (on by default). */
    public TrainingLoop progress(boolean on) {
        this.progress = on;
        return this;
    }

    /** Continues from {@code checkpoint} instead of starting at epoch 0 (null: start afresh). */
    public TrainingLoop resumeFrom(TrainingCheckpoint checkpoint) {
        this.resumeFrom = checkpoint;
        return this;
    }

    /**
     * Hands a checkpoint to {@code sink} at the end of every epoch and, when {@code everySteps > 0},
     * after every {@code everySteps}-th step (counted over the whole training, so the same steps
     * whether or not the run was resumed).
     */
    public TrainingLoop checkpoints(int everySteps, CheckpointSink sink) {
        if (everySteps < 0) {
            throw new IllegalArgumentException("checkpoint_every_steps must be >= 0, got " + everySteps);
        }
        this.checkpointEvery = everySteps;
        this.sink = sink;
        return this;
    }

    /**
     * Ends training early, cleanly, once {@code stop} says so: it is asked at the end of every
     * epoch, after that epoch's checkpoint was handed to the sink, so what was trained is kept
     * (a sweep's early termination: {@code run::shouldStop}).
     */
    public TrainingLoop stopWhen(BooleanSupplier stop) {
        this.stop = stop;
        return this;
    }

    /** Uses DJL's own Adam instead of {@link NamedAdam} (for the test that they train identically). */
    TrainingLoop useDjlAdam(boolean on) {
        this.djlAdam = on;
        return this;
    }

    /**
     * Trains for {@code config.epochs()} epochs (fewer when {@link #stopWhen} says so), calling
     * {@code onEpoch} after each.
     */
    public List<EpochResult> fit(ImageSet train, ImageSet validation, Consumer<EpochResult> onEpoch) {
        Engine engine = Engine.getInstance();
        engine.setRandomSeed((int) config.seed());
        NamedAdam optimizer = new NamedAdam((float) config.learningRate(), (float) config.weightDecay());
        Optimizer trainingOptimizer = djlAdam ? Optimizer.adam().build() : optimizer;
        BatchSequence sequence = new BatchSequence(train.size(), config.batchSize(), config.seed(), true);
        ProgressListener bars = new ProgressListener();
        // evaluators whose running epoch totals a mid-epoch checkpoint can carry
        Tallies.TalliedLoss loss = new Tallies.TalliedLoss(model.loss());
        List<Evaluator> metrics = Tallies.restorable(model.metrics());
        List<Evaluator> tallied = new ArrayList<>(metrics);
        tallied.add(loss);
        DefaultTrainingConfig tc =
                new DefaultTrainingConfig(loss).optOptimizer(trainingOptimizer).optDevices(new Device[] {Device.cpu()});
        for (Evaluator e : metrics) {
            tc.addEvaluator(e);
        }
        // the metric listeners first: the progress bar and tracking listeners read what they computed
        tc.addTrainingListeners(TrainingListener.Defaults.basic());
        tc.addTrainingListeners(bars);
        listeners.forEach(tc::addTrainingListeners);
        List<EpochResult> results = new ArrayList<>();
        try (Trainer trainer = model.djlModel().newTrainer(tc)) {
            trainer.initialize(model.inputShape(1));
            optimizer.bind(model.block());
            List<Parameter> trainable = new ArrayList<>();
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    trainable.add(p.getValue());
                }
            }
            long step = 0;
            int firstEpoch = 0;
            int firstBatch = 0;
            double priorSeconds = 0;
            if (resumeFrom != null) {
                resumeFrom.restore(model.block(), optimizer, tallied);
                results.addAll(resumeFrom.epochs());
                step = resumeFrom.step();
                firstEpoch = resumeFrom.epochsDone();
                firstBatch = resumeFrom.batch();
                priorSeconds = resumeFrom.trainSeconds();
            }
            long trainStart = System.nanoTime();
            long totalSteps = (long) config.epochs() * sequence.batchesPerEpoch();
            for (int epoch = firstEpoch; epoch < config.epochs(); epoch++) {
                int shown = epoch + 1;
                int from = epoch == firstEpoch ? firstBatch : 0;
                bars.startEpoch(
                        progress
                                ? ProgressBar.of(
                                        "epoch " + shown + "/" + config.epochs(), sequence.batchesPerEpoch(), "batches")
                                : null,
                        from);
                long start = System.nanoTime();
                int batchIndex = from;
                for (int[] indices : sequence.batches(epoch, from)) {
                    engine.setRandomSeed((int) Shuffles.mix(config.seed(), step));
                    optimizer.learningRate(learningRate(step, totalSteps));
                    try (Batch batch = model.batch(trainer.getManager(), train, indices)) {
                        EasyTrain.trainBatch(trainer, batch);
                        updateParameters(trainable, trainingOptimizer);
                    }
                    step++;
                    batchIndex++;
                    if (sink != null
                            && checkpointEvery > 0
                            && step % checkpointEvery == 0
                            && batchIndex < sequence.batchesPerEpoch()) {
                        sink.save(
                                TrainingCheckpoint.capture(
                                        config.trainingMap(),
                                        epoch,
                                        batchIndex,
                                        step,
                                        priorSeconds + (System.nanoTime() - trainStart) / 1e9,
                                        results,
                                        model.block(),
                                        optimizer,
                                        tallied),
                                Map.of());
                    }
                }
                BatchSequence valSeq = new BatchSequence(validation.size(), 512, 0, false);
                for (int[] indices : valSeq.epoch(0)) {
                    try (Batch batch = model.batch(trainer.getManager(), validation, indices)) {
                        EasyTrain.validateBatch(trainer, batch);
                    }
                }
                trainer.notifyListeners(l -> l.onEpoch(trainer));
                Map<String, Float> ev = trainer.getTrainingResult().getEvaluations();
                EpochResult r = new EpochResult(
                        shown,
                        ev.getOrDefault("train_loss", Float.NaN),
                        ev.getOrDefault("train_accuracy", Float.NaN),
                        ev.getOrDefault("validate_loss", Float.NaN),
                        ev.getOrDefault("validate_accuracy", Float.NaN),
                        (System.nanoTime() - start) / 1e9);
                bars.finishEpoch(String.format(
                        Locale.ROOT,
                        "loss %.4f accuracy %.4f val_loss %.4f val_accuracy %.4f",
                        r.loss(),
                        r.accuracy(),
                        r.valLoss(),
                        r.valAccuracy()));
                results.add(r);
                if (sink != null) {
                    sink.save(
                            TrainingCheckpoint.capture(
                                    config.trainingMap(),
                                    shown,
                                    0,
                                    step,
                                    priorSeconds + (System.nanoTime() - trainStart) / 1e9,
                                    results,
                                    model.block(),
                                    optimizer,
                                    tallied),
                            Map.of(
                                    "loss",
                                    r.loss(),
                                    "accuracy",
                                    r.accuracy(),
                                    "val_loss",
                                    r.valLoss(),
                                    "val_accuracy",
                                    r.valAccuracy()));
                }
                if (onEpoch != null) {
                    onEpoch.accept(r);
                }
                if (shown < config.epochs() && stop.getAsBoolean()) {
                    break;
                }
            }
        }
        return results;
    }

    /**
     * Updates every trainable parameter from its gradient, as {@code trainer.step()} does on one
     * device, minus the copy: DJL's {@code LocalParameterServer} duplicates each gradient before
     * handing it to the optimizer (so that several devices can share it after PyTorch zeroes the
     * original), a copy that one CPU never needs. The optimizer sees the same weights and
     * gradients, so the update is the same to the bit; the gradients are zeroed by the optimizer
     * as before.
     */
    private static void updateParameters(List<Parameter> trainable, Optimizer optimizer) {
        for (Parameter p : trainable) {
            NDArray weight = p.getArray();
            try (NDArray gradient = weight.getGradient()) {
                optimizer.update(p.getId(), weight, gradient);
            }
        }
    }

    /** The learning rate at {@code step}: constant, or cosine-annealed from the configured rate to 0. */
    float learningRate(long step, long totalSteps) {
        double base = config.learningRate();
        if (config.lrSchedule().equals("cosine")) {
            return (float) (base * 0.5 * (1 + Math.cos(Math.PI * step / totalSteps)));
        }
        return (float) base;
    }

    /** Loss and accuracy of the trained model on a held-out set. */
    public Evaluation evaluate(ImageSet set) {
        return model.evaluate(set, 512);
    }
}
