package {{package}}.datasets;

import java.util.List;
import java.util.Random;

/**
 * A toy dataset generated from a seed: three Gaussian blobs in the plane, one per class. Replace
 * it with a class that reads your data; keep the shape (features and labels, a seeded split).
 */
public final class BlobsDataset {
    public static final List<String> CLASS_NAMES = List.of("west", "east", "north");
    private static final float[][] CENTERS = {{-2f, 0f}, {2f, 0f}, {0f, 2.5f}};
    private static final float SPREAD = 0.6f;

    private final float[][] features;
    private final float[] labels;

    private BlobsDataset(float[][] features, float[] labels) {
        this.features = features;
        this.labels = labels;
    }

    /** {@code samples} points, classes in turn, positions drawn from {@code seed}. */
    public static BlobsDataset generate(int samples, long seed) {
        if (samples < CENTERS.length) {
            throw new IllegalArgumentException("samples must be at least " + CENTERS.length + ", got " + samples);
        }
        Random random = new Random(seed);
        float[][] x = new float[samples][];
        float[] y = new float[samples];
        for (int i = 0; i < samples; i++) {
            int c = i % CENTERS.length;
            x[i] = new float[] {CENTERS[c][0] + SPREAD * (float) random.nextGaussian(),
                    CENTERS[c][1] + SPREAD * (float) random.nextGaussian()};
            y[i] = c;
        }
        return new BlobsDataset(x, y);
    }

    /** The first {@code fraction} of the points for training, the rest for validation. */
    public BlobsDataset[] split(double fraction) {
        int n = (int) Math.round(size() * fraction);
        return new BlobsDataset[] {slice(0, n), slice(n, size())};
    }

    private BlobsDataset slice(int from, int to) {
        return new BlobsDataset(java.util.Arrays.copyOfRange(features, from, to), java.util.Arrays.copyOfRange(labels, from, to));
    }

    public int size() {
        return labels.length;
    }

    public static int featureCount() {
        return 2;
    }

    public float[][] features() {
        return features;
    }

    public float[] labels() {
        return labels;
    }

    /** The centre of a class, a point the trained model should get right. */
    public static float[] center(int label) {
        return CENTERS[label].clone();
    }
}
