package dev.keel.djl;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sweep's stop request ends a real (tiny) DJL training at the next epoch boundary, through the listener's fit. */
class KeelTrainingListenerStopTest {
    private static final String REASON = "hyperband: val_loss 0.52 at step 8 is worse than the rung's best 1/3";

    @TempDir
    Path home;

    @BeforeAll
    static void offline() {
        DjlEnvironment.prepare(1);
        // the SDK looks for stop requests every 2 s; the test need not wait that long
        System.setProperty("keel.stopCheckIntervalMs", "50");
    }

    @Test
    void aStopRequestEndsFitAfterTheEpochItWasSeenInAndTheRunEndsStopped() throws Exception {
        String id;
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            SweepStore sweeps = store.sweeps();
            Sweep sweep = sweeps.create("djl-test", "stop", "method: random", 1, "");
            try (Run run = Keel.init(RunOptions.builder()
                            .project("djl-test")
                            .home(home)
                            .sweep(sweep.id())
                            .systemMetrics(false)
                            .captureConsole(false)
                            .build());
                    Model model = Model.newInstance("tiny");
                    NDManager manager = NDManager.newBaseManager()) {
                id = run.id();
                Claim claim =
                        sweeps.claim(sweep.id(), "agent-1", id, 0, 60_000, (s, t) -> Proposal.next(Map.of("lr", 0.1)));
                Trial trial = ((Claim.Granted) claim).trial();
                Engine.getInstance().setRandomSeed(7);
                model.setBlock(Linear.builder().setUnits(2).build());
                NDArray x = manager.randomNormal(new Shape(64, 4));
                NDArray y = x.get(":, 0").gt(0).toType(DataType.FLOAT32, false);
                ArrayDataset data = new ArrayDataset.Builder()
                        .setData(x)
                        .optLabels(y)
                        .setSampling(16, false)
                        .build();
                KeelTrainingListener tracking = new KeelTrainingListener(run, 0);
                DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss("loss"))
                        .addEvaluator(new Accuracy("Accuracy"))
                        .addTrainingListeners(TrainingListener.Defaults.basic())
                        .addTrainingListeners(new StopAfterEpoch(2, sweeps, trial, run))
                        .addTrainingListeners(tracking);
                try (Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(new Shape(1, 4));
                    assertFalse(tracking.fit(trainer, 6, data, data), "the stop ends fit early");
                }
                assertTrue(tracking.shouldStop());
                assertEquals(REASON, run.stopReason().orElseThrow());
            }
            RunInfo info = store.run(id).orElseThrow();
            assertEquals(RunState.STOPPED, info.state());
            assertEquals(REASON, info.summary().get(RunState.STOP_REASON_KEY));
            assertEquals(2, store.history(id, "epoch").size(), "epochs 1 and 2 were trained and logged, no more");
            assertEquals(2.0, store.history(id, "epoch").values()[1]);
        }
    }

    /** The agent's side, at the end of epoch {@code n}: asks for a stop and waits until the run has seen it. */
    private static final class StopAfterEpoch extends TrainingListenerAdapter {
        private final int n;
        private final SweepStore sweeps;
        private final Trial trial;
        private final Run run;
        private int epoch;

        StopAfterEpoch(int n, SweepStore sweeps, Trial trial, Run run) {
            this.n = n;
            this.sweeps = sweeps;
            this.trial = trial;
            this.run = run;
        }

        @Override
        public void onEpoch(Trainer trainer) {
            if (++epoch != n) {
                return;
            }
            sweeps.requestStop(trial.sweepId(), trial.number(), REASON);
            long deadline = System.currentTimeMillis() + 30_000;
            try {
                while (!run.shouldStop() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
