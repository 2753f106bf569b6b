package {{package}}.predictor;

import {{package}}.datasets.BlobsDataset;
import {{package}}.models.Classifier;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Self-contained inference: loads saved weights, answers a class name and its probabilities.
 * <pre>{@code
 * try (Predictor p = Predictor.load(Path.of("artifacts/RUN_ID"))) {
 *     System.out.println(p.predict(new float[] {1.9f, 0.1f}).className());   // east
 * }
 * }</pre>
 */
public final class Predictor implements AutoCloseable {
    private final Classifier classifier;

    /** A class name with the probability of every class, in {@link BlobsDataset#CLASS_NAMES} order. */
    public record Prediction(String className, float[] probabilities) {
    }

    private Predictor(Classifier classifier) {
        this.classifier = classifier;
    }

    public static Predictor load(Path weightsDir) throws IOException {
        return new Predictor(Classifier.load(weightsDir));
    }

    public Prediction predict(float[] point) {
        if (point.length != BlobsDataset.featureCount()) {
            throw new IllegalArgumentException("a point has " + BlobsDataset.featureCount() + " features, got " + point.length);
        }
        float[] p = classifier.probabilities(point);
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return new Prediction(BlobsDataset.CLASS_NAMES.get(best), p);
    }

    @Override
    public void close() {
        classifier.close();
    }
}
