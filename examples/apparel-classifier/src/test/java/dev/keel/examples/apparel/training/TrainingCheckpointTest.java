package dev.keel.examples.apparel.training;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.keel.djl.DjlEnvironment;
import dev.keel.examples.apparel.datasets.FashionMnistDataset;
import dev.keel.examples.apparel.models.ImageModel;
import dev.keel.examples.apparel.networks.NetworkSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In-process checks of {@link TrainingCheckpoint}: stopping after N steps, reading the checkpoint
 * into a fresh model, optimizer and evaluators and continuing gives what not stopping gives, bit
 * for bit; and the file format refuses damage with a clear message.
 */
class TrainingCheckpointTest {
    private static FashionMnistDataset.Split slice;
    private static FashionMnistDataset data;

    @BeforeAll
    static void load() {
        DjlEnvironment.prepare(2);
        data = FashionMnistDataset.open(null);
        FashionMnistDataset.Split split = data.split(3, 6_000);
        slice = new FashionMnistDataset.Split(
                split.train().head(2_000), split.validation().head(1_000));
    }

    private static ExperimentConfig config() {
        // 2,000 / 64 = 32 batches per epoch; dropout on, so the per-step reseeding is exercised too
        return ExperimentConfig.load(
                null,
                List.of(
                        "epochs=2",
                        "layers=[64]",
                        "batch_size=64",
                        "track=false",
                        "lr_schedule=cosine",
                        "dropout=0.3",
                        "seed=11"));
    }

    /** A training's epoch results, final parameters and the checkpoints it handed out (as bytes). */
    private record Trained(
            List<TrainingLoop.EpochResult> epochs, Map<String, float[]> parameters, List<byte[]> checkpoints) {}

    private static Trained train(TrainingCheckpoint from, int checkpointEvery) {
        ExperimentConfig c = config();
        List<byte[]> saved = new ArrayList<>();
        try (ImageModel model =
                new ImageModel(new NetworkSpec(c.network(), c.layers(), c.dropout(), 10), data.classNames())) {
            List<TrainingLoop.EpochResult> epochs = new TrainingLoop(model, c)
                    .progress(false)
                    .resumeFrom(from)
                    .checkpoints(checkpointEvery, (ckpt, metrics) -> saved.add(bytes(ckpt)))
                    .fit(slice.train(), slice.validation(), null);
            Map<String, float[]> params = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                params.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
            return new Trained(epochs, params, saved);
        }
    }

    private static byte[] bytes(TrainingCheckpoint c) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TrainingCheckpoint read(byte[] b) throws IOException {
        return TrainingCheckpoint.read(new ByteArrayInputStream(b), "test checkpoint");
    }

    private static void assertSameTraining(Trained expected, Trained actual) {
        assertEquals(expected.epochs().size(), actual.epochs().size());
        for (int i = 0; i < expected.epochs().size(); i++) {
            TrainingLoop.EpochResult e = expected.epochs().get(i);
            TrainingLoop.EpochResult a = actual.epochs().get(i);
            assertEquals(
                    Double.doubleToRawLongBits(e.loss()),
                    Double.doubleToRawLongBits(a.loss()),
                    "loss, epoch " + (i + 1));
            assertEquals(
                    Double.doubleToRawLongBits(e.accuracy()),
                    Double.doubleToRawLongBits(a.accuracy()),
                    "accuracy, epoch " + (i + 1));
            assertEquals(
                    Double.doubleToRawLongBits(e.valLoss()),
                    Double.doubleToRawLongBits(a.valLoss()),
                    "val_loss, epoch " + (i + 1));
            assertEquals(
                    Double.doubleToRawLongBits(e.valAccuracy()),
                    Double.doubleToRawLongBits(a.valAccuracy()),
                    "val_accuracy, epoch " + (i + 1));
        }
        assertEquals(expected.parameters().keySet(), actual.parameters().keySet());
        expected.parameters()
                .forEach((name, values) ->
                        assertArrayEquals(values, actual.parameters().get(name), name));
    }

    @Test
    void continuingFromAMidEpochCheckpointMatchesNotStoppingBitForBit() throws IOException {
        Trained whole = train(null, 10);
        // steps 10, 20, 30 in epoch 1; its end (32); steps 40, 50, 60 in epoch 2; its end (64)
        assertEquals(8, whole.checkpoints().size());
        TrainingCheckpoint atStep50 = read(whole.checkpoints().get(5));
        assertEquals(1, atStep50.epochsDone());
        assertEquals(18, atStep50.batch());
        assertEquals(50, atStep50.step());
        assertFalse(atStep50.optimizerState().isEmpty(), "Adam's state is in the checkpoint");
        atStep50.optimizerState().values().forEach(s -> assertEquals(50, s.step()));

        Trained resumed = train(atStep50, 10);
        assertSameTraining(whole, resumed);
        assertEquals(
                2,
                resumed.checkpoints().size(),
                "the resumed training saves the later checkpoints: step 60 and the end");
        // (not byte-identical: they record the training time so far)
        TrainingCheckpoint a = read(whole.checkpoints().get(6));
        TrainingCheckpoint b = read(resumed.checkpoints().get(0));
        assertEquals(60, b.step());
        a.parameters()
                .forEach((name, t) ->
                        assertArrayEquals(t.values(), b.parameters().get(name).values(), name));
        a.optimizerState().forEach((name, s) -> {
            assertArrayEquals(s.m(), b.optimizerState().get(name).m(), name + " m");
            assertArrayEquals(s.v(), b.optimizerState().get(name).v(), name + " v");
            assertEquals(s.step(), b.optimizerState().get(name).step(), name + " step");
        });
    }

    @Test
    void adamStateRoundTripsAndIsWhatMakesTheContinuationExact() throws IOException {
        Trained whole = train(null, 20);
        TrainingCheckpoint atStep20 = read(whole.checkpoints().get(0));
        assertEquals(20, atStep20.step());
        // read → write gives the same bytes: moments, step counters and parameters survive exactly
        assertArrayEquals(whole.checkpoints().get(0), bytes(atStep20));
        assertSameTraining(whole, train(atStep20, 20));

        // without the optimizer state (a fresh Adam) the continuation differs: the test can tell
        TrainingCheckpoint noAdam = new TrainingCheckpoint(
                atStep20.config(),
                atStep20.epochsDone(),
                atStep20.batch(),
                atStep20.step(),
                0,
                atStep20.epochs(),
                atStep20.parameters(),
                Map.of(),
                Map.of());
        Trained fresh = train(noAdam, 20);
        assertTrue(
                Double.doubleToRawLongBits(fresh.epochs().get(1).loss())
                        != Double.doubleToRawLongBits(whole.epochs().get(1).loss()),
                "dropping Adam's moments must change the training");
    }

    @Test
    void aDamagedOrForeignFileIsRefusedWithAClearMessage() throws IOException {
        ExperimentConfig c = config();
        TrainingCheckpoint ckpt = new TrainingCheckpoint(
                c.trainingMap(),
                1,
                3,
                35,
                1.5,
                List.of(new TrainingLoop.EpochResult(1, 0.5, 0.8, 0.6, 0.75, 1.0)),
                Map.of("w", new TrainingCheckpoint.Tensor(new long[] {2, 2}, new float[] {1, -0f, Float.NaN, 4})),
                Map.of("w", new TrainingCheckpoint.AdamState(35, new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8})),
                Map.of("loss", new long[] {3, Float.floatToRawIntBits(1.25f)}));
        byte[] good = bytes(ckpt);
        TrainingCheckpoint back = read(good);
        assertEquals(35, back.step());
        assertEquals(3, back.batch());
        assertEquals(ckpt.epochs(), back.epochs());
        assertArrayEquals(good, bytes(back));

        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x10;
        IOException damaged = assertThrows(IOException.class, () -> read(flipped));
        assertTrue(damaged.getMessage().startsWith("test checkpoint is damaged"), damaged.getMessage());

        byte[] cut = Arrays.copyOf(good, good.length - 20);
        assertEquals(
                "test checkpoint is truncated",
                assertThrows(IOException.class, () -> read(cut)).getMessage());

        byte[] foreign = good.clone();
        foreign[0] = 'X';
        assertEquals(
                "test checkpoint is not an apparel-classifier training checkpoint (bad magic bytes)",
                assertThrows(IOException.class, () -> read(foreign)).getMessage());
    }
}
