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

    /**
     * {@code Predictor WEIGHTS_DIR X,Y [X,Y...]}: prints one line per point, {@code X,Y CLASS}
     * (what {@code ./run predict} and the flow's predict stage run).
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ./run predict WEIGHTS_DIR X,Y [X,Y...]   e.g. ./run predict weights 2,0 -1,1.7");
            System.exit(2);
        }
        try (Predictor p = load(Path.of(args[0]))) {
            for (int i = 1; i < args.length; i++) {
                String[] xy = args[i].split(",");
                float[] point = new float[xy.length];
                for (int j = 0; j < xy.length; j++) {
                    point[j] = Float.parseFloat(xy[j].trim());
                }
                System.out.println(args[i] + " " + p.predict(point).className());
            }
        }
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
