package dev.keel.examples.apparel.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.keel.examples.apparel.networks.NetworkSpec;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A classifier of 28×28 grey images. Preprocessing scales pixels to [0, 1] and standardises them
 * with Fashion-MNIST's training mean and standard deviation, so that the first layer sees
 * inputs of about zero mean and unit variance.
 *
 * <pre>{@code
 * try (ImageModel model = ImageModel.load(Path.of("weights/ImageModel_FashionMnistDataset_mlp_weights.bin"))) {
 *     float[][] p = model.probabilities(pixels, 1);
 * }
 * }</pre>
 */
public final class ImageModel extends BaseModel {
    public static final float MEAN = 0.2860f;
    public static final float STD = 0.3530f;
    // the standardised value of each of the 256 grey levels: a lookup per pixel instead of two
    // float divisions gives the same floats (each entry is computed exactly as before) in a
    // fraction of a training batch's preparation time
    private static final float[] LEVELS = new float[256];

    static {
        for (int b = 0; b < LEVELS.length; b++) {
            LEVELS[b] = (b / 255f - MEAN) / STD;
        }
    }

    private final int rows;
    private final int cols;

    public ImageModel(NetworkSpec spec, List<String> classes) {
        super("ImageModel_" + spec.name(), spec, classes);
        this.rows = 28;
        this.cols = 28;
    }

    @Override
    public Shape exampleShape() {
        return new Shape(1, rows, cols);
    }

    @Override
    public NDArray preprocess(NDManager manager, byte[] raw, int count) {
        int n = rows * cols;
        if (raw.length != count * n) {
            throw new IllegalArgumentException("expected " + count + " images of " + rows + "x" + cols + " = "
                    + count * n + " bytes, got " + raw.length);
        }
        float[] x = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            x[i] = LEVELS[raw[i] & 0xff];
        }
        return manager.create(x, new Shape(count, 1, rows, cols));
    }

    /** Loads a model saved by {@link #save}, rebuilding its network from the file's header. */
    public static ImageModel load(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            return load(raw, file.toString());
        } catch (NoSuchFileException e) {
            throw new IOException("weights file " + file + " does not exist", e);
        }
    }

    /** Loads a model from a weights stream ({@code source} names it in errors). */
    public static ImageModel load(InputStream raw, String source) throws IOException {
        DataInputStream in = open(raw);
        Header header = readHeader(in, source);
        if (!header.kind().equals(ImageModel.class.getSimpleName())) {
            throw new IOException(source + " holds a " + header.kind() + ", not an ImageModel");
        }
        ImageModel model = new ImageModel(header.spec(), header.classes());
        try {
            model.loadParameters(in, source);
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
