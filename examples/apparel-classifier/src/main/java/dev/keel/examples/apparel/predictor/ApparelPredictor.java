package dev.keel.examples.apparel.predictor;

import dev.keel.Keel;
import dev.keel.Models;
import dev.keel.djl.DjlEnvironment;
import dev.keel.examples.apparel.models.ImageModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Classifies a picture of a garment: raw image bytes in (PNG or JPEG of any size, or 784 raw
 * grey bytes of a 28×28 image), class name and the 10 probabilities out. Self-contained: it loads
 * the production weights promoted into {@code weights/} (from that folder, or from the
 * classpath where the build packs them), or a version of the model registry by its ref
 * ({@code load("apparel-classifier@production")}).
 *
 * <p>Safe to share between threads (predictions are serialised). Bad input throws
 * {@link IllegalArgumentException} with a message that says what to send instead.
 *
 * <pre>{@code
 * try (ApparelPredictor predictor = ApparelPredictor.load()) {
 *     ApparelPredictor.Prediction p = predictor.predict(Files.readAllBytes(Path.of("shoe.png")));
 *     System.out.println(p.className() + " " + p.probability());
 * }
 * }</pre>
 */
public final class ApparelPredictor implements AutoCloseable {
    /** The production weights' file name in {@code weights/}. */
    public static final String WEIGHTS = "ImageModel_FashionMnistDataset_weights.bin";

    private final ImageModel model;

    /** The predicted class, its index, and the probability of every class (in class order). */
    public record Prediction(String className, int classIndex, Map<String, Float> probabilities) {
        /** The probability of the predicted class. */
        public float probability() {
            return probabilities.get(className);
        }
    }

    private ApparelPredictor(ImageModel model) {
        this.model = model;
    }

    /** Loads the production weights: {@code weights/} in the working directory, else the classpath. */
    public static ApparelPredictor load() throws IOException {
        Path local = Path.of("weights", WEIGHTS);
        if (Files.isRegularFile(local)) {
            return load(local);
        }
        DjlEnvironment.prepare(DjlEnvironment.defaultThreads());
        try (InputStream in = ApparelPredictor.class.getResourceAsStream("/weights/" + WEIGHTS)) {
            if (in == null) {
                throw new IOException("no production weights: neither " + local.toAbsolutePath() + " nor /weights/"
                        + WEIGHTS + " on the classpath; train and promote a model (see the README)");
            }
            return new ApparelPredictor(ImageModel.load(in, "classpath:/weights/" + WEIGHTS));
        }
    }

    /**
     * Loads the version {@code ref} names in the model registry ({@code apparel-classifier@production},
     * {@code apparel-classifier:v3}): the Keel server's when {@code KEEL_URL} is set, else the Keel
     * folder's. The version's files are pulled into a temporary folder, verified against their
     * hashes, and removed once the weights are loaded.
     */
    public static ApparelPredictor load(String ref) throws IOException {
        return load(ref, Keel.models());
    }

    /** Loads the version {@code ref} names in {@code registry} (e.g. {@code Keel.models(keelFolder)}). */
    public static ApparelPredictor load(String ref, Models registry) throws IOException {
        Path dir = Files.createTempDirectory("apparel-model-");
        try {
            String version = registry.pull(ref, dir);
            Path weights = dir.resolve(WEIGHTS);
            if (!Files.isRegularFile(weights)) {
                throw new IOException(version + " (" + ref + ") holds no " + WEIGHTS
                        + ": register versions with ./run train, which lays them out as weights/ expects");
            }
            return load(weights);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Loads weights from a file. */
    public static ApparelPredictor load(Path weights) throws IOException {
        DjlEnvironment.prepare(DjlEnvironment.defaultThreads());
        return new ApparelPredictor(ImageModel.load(weights));
    }

    public List<String> classes() {
        return model.classes();
    }

    /** Classifies one image (PNG/JPEG bytes, or 784 raw grey bytes). */
    public Prediction predict(byte[] image) {
        byte[] pixels = ImageDecoding.toPixels(image);
        float[] p;
        synchronized (this) {
            p = model.probabilities(pixels, 1)[0];
        }
        int best = 0;
        Map<String, Float> probabilities = new LinkedHashMap<>();
        for (int i = 0; i < p.length; i++) {
            probabilities.put(model.classes().get(i), p[i]);
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return new Prediction(model.classes().get(best), best, probabilities);
    }

    @Override
    public synchronized void close() {
        model.close();
    }
}
