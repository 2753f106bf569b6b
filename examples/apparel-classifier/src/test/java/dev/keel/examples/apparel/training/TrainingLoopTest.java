package dev.keel.examples.apparel.training;

import dev.keel.djl.DjlEnvironment;
import dev.keel.examples.apparel.datasets.FashionMnistDataset;
import dev.keel.examples.apparel.datasets.ImageSet;
import dev.keel.examples.apparel.models.ImageModel;
import dev.keel.examples.apparel.networks.NetworkSpec;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Short trainings on a 3,000-image slice (a few seconds each). */
class TrainingLoopTest {
    private static FashionMnistDataset.Split slice;
    private static FashionMnistDataset data;

    @BeforeAll
    static void load() {
        DjlEnvironment.prepare(2);
        data = FashionMnistDataset.open(null);
        FashionMnistDataset.Split split = data.split(1, 6_000);
        slice = new FashionMnistDataset.Split(
                split.train().head(3_000), split.validation().head(1_000));
    }

    private static ExperimentConfig config(String... overrides) {
        List<String> all = new ArrayList<>(List.of("epochs=3", "layers=[64]", "batch_size=64", "track=false"));
        all.addAll(List.of(overrides));
        return ExperimentConfig.load(null, all);
    }

    private static List<TrainingLoop.EpochResult> train(ExperimentConfig c, boolean djlAdam) {
        NetworkSpec spec = new NetworkSpec(c.network(), c.layers(), c.dropout(), 10);
        try (ImageModel model = new ImageModel(spec, data.classNames())) {
            return new TrainingLoop(model, c)
                    .progress(false)
                    .useDjlAdam(djlAdam)
                    .fit(slice.train(), slice.validation(), null);
        }
    }

    @Test
    void lossFallsAndAccuracyRises() {
        List<TrainingLoop.EpochResult> r = train(config(), false);
        assertEquals(3, r.size());
        assertTrue(r.get(2).loss() < r.get(0).loss() * 0.8, "loss " + r);
        assertTrue(r.get(2).valLoss() < r.get(0).valLoss(), "val_loss " + r);
        assertTrue(r.get(2).valAccuracy() > 0.7, "val_accuracy " + r);
    }

    @Test
    void sameSeedGivesIdenticalMetricsBitForBit() {
        ExperimentConfig c = config("epochs=2", "seed=5");
        List<TrainingLoop.EpochResult> a = train(c, false);
        List<TrainingLoop.EpochResult> b = train(c, false);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(
                    Double.doubleToRawLongBits(a.get(i).loss()),
                    Double.doubleToRawLongBits(b.get(i).loss()));
            assertEquals(
                    Double.doubleToRawLongBits(a.get(i).valLoss()),
                    Double.doubleToRawLongBits(b.get(i).valLoss()));
            assertEquals(a.get(i).accuracy(), b.get(i).accuracy());
        }
        List<TrainingLoop.EpochResult> other = train(config("epochs=2", "seed=6"), false);
        assertTrue(other.get(1).loss() != a.get(1).loss(), "a different seed must change the run");
    }

    @Test
    void namedAdamTrainsExactlyLikeDjlAdam() {
        // both run DJL's fused native Adam kernel with the same scalars (bias-corrected step size
        // computed the same way), so keeping the state ourselves must not change a single bit
        ExperimentConfig c = config("epochs=2", "dropout=0.0");
        List<TrainingLoop.EpochResult> ours = train(c, false);
        List<TrainingLoop.EpochResult> djl = train(c, true);
        for (int i = 0; i < ours.size(); i++) {
            assertEquals(
                    Double.doubleToRawLongBits(djl.get(i).loss()),
                    Double.doubleToRawLongBits(ours.get(i).loss()),
                    "epoch " + (i + 1) + " loss: DJL " + djl.get(i).loss() + ", ours "
                            + ours.get(i).loss());
            assertEquals(
                    Double.doubleToRawLongBits(djl.get(i).valLoss()),
                    Double.doubleToRawLongBits(ours.get(i).valLoss()),
                    "epoch " + (i + 1) + " val_loss: DJL " + djl.get(i).valLoss() + ", ours "
                            + ours.get(i).valLoss());
        }
    }

    @Test
    void savedWeightsPredictTheSameAfterLoading(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        ExperimentConfig c = config("epochs=1");
        NetworkSpec spec = new NetworkSpec(c.network(), c.layers(), c.dropout(), 10);
        ImageSet few = slice.validation().head(8);
        Path file = tmp.resolve("w.bin");
        float[][] before;
        try (ImageModel model = new ImageModel(spec, data.classNames())) {
            new TrainingLoop(model, c).progress(false).fit(slice.train(), slice.validation(), null);
            before = model.probabilities(few.pixels(), 8);
            model.save(file);
        }
        try (ImageModel loaded = ImageModel.load(file)) {
            float[][] after = loaded.probabilities(few.pixels(), 8);
            for (int i = 0; i < 8; i++) {
                Assertions.assertArrayEquals(before[i], after[i]);
            }
        }
    }
}
