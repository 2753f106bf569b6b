package dev.keel.examples.apparel.datasets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real Fashion-MNIST files (Debian's dataset-fashion-mnist or a downloaded copy). */
class FashionMnistDatasetTest {
    private static FashionMnistDataset data;

    @BeforeAll
    static void load() {
        data = FashionMnistDataset.open(null);
    }

    @Test
    void filesMatchThePublishedChecksums() {
        data.train();
        data.test();
        DatasetSpec spec = FashionMnistDataset.defaultSpec();
        assertEquals(4, data.checksums().size());
        for (DatasetSpec.FileSpec f : spec.files().values()) {
            assertEquals(f.sha256(), data.checksums().get(f.rawName()), f.rawName());
        }
    }

    @Test
    void shapesAndClassBalance() {
        ImageSet train = data.train();
        ImageSet test = data.test();
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(28, train.rows());
        assertEquals(28, train.cols());
        assertEquals(60_000 * 784, train.pixels().length);
        int[] perClass = new int[10];
        Arrays.fill(perClass, 6_000);
        assertArrayEquals(perClass, train.countsPerLabel(10));
        Arrays.fill(perClass, 1_000);
        assertArrayEquals(perClass, test.countsPerLabel(10));
        assertEquals(10, data.classNames().size());
        assertEquals("Ankle boot", data.classNames().get(9));
    }

    @Test
    void pixelValuesSpanTheByteRange() {
        byte[] p = data.test().pixels();
        int min = 255;
        int max = 0;
        long sum = 0;
        for (byte b : p) {
            int v = b & 0xff;
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        assertEquals(0, min);
        assertEquals(255, max);
        double mean = sum / (double) p.length / 255;
        assertTrue(mean > 0.25 && mean < 0.32, "mean " + mean);
    }

    @Test
    void seededSplitIsDisjointAndRepeatable() {
        FashionMnistDataset.Split a = data.split(42, 6_000);
        FashionMnistDataset.Split b = data.split(42, 6_000);
        FashionMnistDataset.Split c = data.split(7, 6_000);
        assertEquals(54_000, a.train().size());
        assertEquals(6_000, a.validation().size());
        assertArrayEquals(a.validation().labels(), b.validation().labels());
        assertArrayEquals(a.validation().pixels(), b.validation().pixels());
        assertTrue(!Arrays.equals(a.validation().pixels(), c.validation().pixels()));
    }

    @Test
    void epochShufflesDifferButRepeat() {
        BatchSequence seq = new BatchSequence(1000, 64, 42, true);
        assertEquals(16, seq.batchesPerEpoch());
        assertArrayEquals(seq.order(0), new BatchSequence(1000, 64, 42, true).order(0));
        assertTrue(!Arrays.equals(seq.order(0), seq.order(1)));
        Set<Integer> seen = new HashSet<>();
        int batches = 0;
        for (int[] b : seq.epoch(3)) {
            for (int i : b) {
                seen.add(i);
            }
            batches++;
        }
        assertEquals(16, batches);
        assertEquals(1000, seen.size());
        int[] fromFive = seq.batches(3, 5).iterator().next();
        assertArrayEquals(Arrays.copyOfRange(seq.order(3), 5 * 64, 6 * 64), fromFive);
    }

    static Path mirror() {
        return FashionMnistDataset.defaultSpec().mirror();
    }
}
