package dev.keel.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Trains a real (tiny) DJL model with EasyTrain.fit and checks what reaches the run. */
class KeelTrainingListenerTest {
    @BeforeAll
    static void offline() {
        DjlEnvironment.prepare(1);
    }

    @Test
    void logsBatchLossEveryNAndEpochMetricsWithKeelNames() throws Exception {
        RecordingRun run = new RecordingRun();
        try (Model model = Model.newInstance("tiny"); NDManager manager = NDManager.newBaseManager()) {
            model.setBlock(Linear.builder().setUnits(2).build());
            NDArray x = manager.randomNormal(new Shape(64, 4));
            NDArray y = x.get(":, 0").gt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            ArrayDataset train = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(16, false).build();
            ArrayDataset val = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(32, false).build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss("loss"))
                    .addEvaluator(new Accuracy("Accuracy"))
                    .addTrainingListeners(TrainingListener.Defaults.basic())
                    .addTrainingListeners(new KeelTrainingListener(run, 3));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 4));
                EasyTrain.fit(trainer, 2, train, val);
            }
        }
        // 4 batches per epoch, 8 in all: batch points at steps 3 and 6, epoch points at steps 4 and 8
        List<Long> batchSteps = run.points.stream().filter(p -> p.metrics().containsKey("batch_loss")).map(RecordingRun.Point::step).toList();
        assertEquals(List.of(3L, 6L), batchSteps);
        List<RecordingRun.Point> epochs = run.points.stream().filter(p -> p.metrics().containsKey("epoch")).toList();
        assertEquals(2, epochs.size());
        assertEquals(4L, epochs.get(0).step());
        assertEquals(8L, epochs.get(1).step());
        var m = epochs.get(1).metrics();
        assertEquals(2, m.get("epoch"));
        for (String key : List.of("loss", "accuracy", "val_loss", "val_accuracy", "epoch_time_s")) {
            assertTrue(m.containsKey(key), key + " missing from " + m);
        }
        double acc = m.get("val_accuracy").doubleValue();
        assertTrue(acc >= 0 && acc <= 1, "val_accuracy " + acc);
        assertTrue(Double.isFinite(run.points.get(0).metrics().get("batch_loss").doubleValue()));
        assertTrue(run.summary.isEmpty(), "no error recorded: " + run.summary);
    }
}
