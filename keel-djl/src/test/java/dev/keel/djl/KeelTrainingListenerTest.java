package dev.keel.djl;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trains a real (tiny) DJL model with EasyTrain.fit into a real run and reads back what the store holds. */
class KeelTrainingListenerTest {
    @TempDir
    Path home;

    @BeforeAll
    static void offline() {
        DjlEnvironment.prepare(1);
    }

    @Test
    void logsBatchLossEveryNAndEpochMetricsWithKeelNames() throws Exception {
        String id;
        try (Run run = Keel.init(RunOptions.builder()
                        .project("djl-test")
                        .home(home)
                        .systemMetrics(false)
                        .captureConsole(false)
                        .build());
                Model model = Model.newInstance("tiny");
                NDManager manager = NDManager.newBaseManager()) {
            // a fixed seed: unseeded random data once gave a batch whose gradients were all zero
            Engine.getInstance().setRandomSeed(7);
            model.setBlock(Linear.builder().setUnits(2).build());
            NDArray x = manager.randomNormal(new Shape(64, 4));
            NDArray y = x.get(":, 0").gt(0).toType(DataType.FLOAT32, false);
            ArrayDataset train = new ArrayDataset.Builder()
                    .setData(x)
                    .optLabels(y)
                    .setSampling(16, false)
                    .build();
            ArrayDataset val = new ArrayDataset.Builder()
                    .setData(x)
                    .optLabels(y)
                    .setSampling(32, false)
                    .build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss("loss"))
                    .addEvaluator(new Accuracy("Accuracy"))
                    .addTrainingListeners(TrainingListener.Defaults.basic())
                    .addTrainingListeners(new KeelTrainingListener(run, 3));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 4));
                EasyTrain.fit(trainer, 2, train, val);
            }
            id = run.id();
            assertTrue(run.problems().isEmpty(), "no problem recorded: " + run.problems());
        }
        // 4 batches per epoch, 8 in all: batch points at steps 3 and 6, epoch points at steps 4 and 8
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            assertEquals(List.of(3L, 6L), steps(store.history(id, "batch_loss")));
            MetricSeries epoch = store.history(id, "epoch");
            assertEquals(List.of(4L, 8L), steps(epoch));
            assertEquals(2.0, epoch.values()[1]);
            for (String key : List.of("loss", "accuracy", "val_loss", "val_accuracy", "epoch_time_s")) {
                assertEquals(List.of(4L, 8L), steps(store.history(id, key)), key);
            }
            double acc = store.history(id, "val_accuracy").values()[1];
            assertTrue(acc >= 0 && acc <= 1, "val_accuracy " + acc);
            assertTrue(Double.isFinite(store.history(id, "batch_loss").values()[0]));
        }
    }

    private static List<Long> steps(MetricSeries s) {
        return Arrays.stream(s.steps()).boxed().toList();
    }
}
