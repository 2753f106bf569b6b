package dev.keel.examples.apparel.models;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.loss.Loss;
import ai.djl.translate.Batchifier;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.examples.apparel.datasets.ImageSet;
import dev.keel.examples.apparel.networks.NetworkSpec;
import dev.keel.examples.apparel.networks.Networks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network together with what it needs to be trained and used: preprocessing of raw inputs,
 * the loss, the metrics, and saving/loading of weights with the metadata that rebuilds it.
 *
 * <p>Weights file format (version 1): the ASCII magic {@code KEELW}, a version int, a
 * length-prefixed UTF-8 JSON header (kind, network spec, class names), then DJL's
 * {@code Block.saveParameters} stream. Files are written to a temporary name and renamed, so a
 * crash never leaves half a weights file under the real name.
 */
public abstract class BaseModel implements AutoCloseable {
    static final byte[] MAGIC = "KEELW".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Model model;
    private final NetworkSpec spec;
    private final List<String> classes;

    protected BaseModel(String name, NetworkSpec spec, List<String> classes) {
        this.spec = spec;
        this.classes = List.copyOf(classes);
        this.model = Model.newInstance(name);
        this.model.setBlock(Networks.build(spec));
    }

    /** Shape of one example as the network receives it, e.g. (1, 28, 28). */
    public abstract Shape exampleShape();

    /** Turns {@code count} raw examples into the network's float input of shape (count, exampleShape). */
    public abstract NDArray preprocess(NDManager manager, byte[] raw, int count);

    public Loss loss() {
        return Loss.softmaxCrossEntropyLoss("loss");
    }

    /** The metrics reported during training, besides the loss. */
    public List<Evaluator> metrics() {
        return List.of(new Accuracy("accuracy"));
    }

    public Model djlModel() {
        return model;
    }

    public Block block() {
        return model.getBlock();
    }

    public NetworkSpec spec() {
        return spec;
    }

    public List<String> classes() {
        return classes;
    }

    /** The input shape of a batch of {@code n}. */
    public Shape inputShape(long n) {
        return new Shape(n).addAll(exampleShape());
    }

    /** A DJL batch of the examples at {@code indices}; closing the batch frees its arrays. */
    public Batch batch(NDManager parent, ImageSet set, int[] indices) {
        NDManager manager = parent.newSubManager();
        ImageSet part = set.select(indices);
        NDArray data = preprocess(manager, part.pixels(), part.size());
        long[] labels = new long[part.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = part.label(i);
        }
        NDArray label = manager.create(labels);
        return new Batch(
                manager, new NDList(data), new NDList(label), indices.length, Batchifier.STACK, Batchifier.STACK, 0, 0);
    }

    /** Logits for a batch of inputs, in inference mode (no dropout). */
    public NDArray logits(NDManager manager, NDArray input) {
        ParameterStore store = new ParameterStore(manager, false);
        return block().forward(store, new NDList(input), false).singletonOrThrow();
    }

    /** Class probabilities (softmax) of {@code count} raw examples, one row per example. */
    public float[][] probabilities(byte[] raw, int count) {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray probs = logits(manager, preprocess(manager, raw, count)).softmax(1);
            float[] flat = probs.toFloatArray();
            int k = classes.size();
            float[][] rows = new float[count][k];
            for (int i = 0; i < count; i++) {
                System.arraycopy(flat, i * k, rows[i], 0, k);
            }
            return rows;
        }
    }

    /** Mean loss and accuracy over a whole set, in inference mode. */
    public Evaluation evaluate(ImageSet set, int batchSize) {
        Loss loss = loss();
        double lossSum = 0;
        long correct = 0;
        int n = set.size();
        for (int from = 0; from < n; from += batchSize) {
            int[] idx = new int[Math.min(batchSize, n - from)];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = from + i;
            }
            try (Batch batch = batch(model.getNDManager(), set, idx)) {
                NDManager m = batch.getManager();
                NDArray out = logits(m, batch.getData().singletonOrThrow());
                NDArray labels = batch.getLabels().singletonOrThrow();
                lossSum += loss.evaluate(new NDList(labels), new NDList(out)).getFloat() * idx.length;
                correct += out.argMax(1)
                        .toType(DataType.INT64, false)
                        .eq(labels)
                        .toType(DataType.INT64, false)
                        .sum()
                        .getLong();
            }
        }
        return new Evaluation(lossSum / n, (double) correct / n, n);
    }

    /** Saves the weights and the metadata that rebuilds this model. */
    public void save(Path file) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("kind", getClass().getSimpleName());
        header.put("network", spec.name());
        header.put("layers", spec.layers());
        header.put("dropout", spec.dropout());
        header.put("classes", classes);
        byte[] json = JSON.writeValueAsBytes(header);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream raw = Files.newOutputStream(tmp);
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw))) {
                out.write(MAGIC);
                out.writeInt(FORMAT_VERSION);
                out.writeInt(json.length);
                out.write(json);
                block().saveParameters(out);
            }
            try {
                // temporary files are private (rw-------); weights are meant to be shared and committed
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // keep the platform's default
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** What a weights file says about the model it holds. */
    public record Header(String kind, NetworkSpec spec, List<String> classes) {}

    /** Reads a weights file's header, leaving the stream at the parameters. */
    static Header readHeader(DataInputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(source + " is not a Keel weights file (bad magic number)");
        }
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException(
                    source + " has weights format version " + version + "; this code reads version " + FORMAT_VERSION);
        }
        int length = in.readInt();
        if (length <= 0 || length > 1 << 20) {
            throw new IOException(source + " has a damaged header (length " + length + ")");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> h = JSON.readValue(in.readNBytes(length), Map.class);
        @SuppressWarnings("unchecked")
        List<Integer> layers = (List<Integer>) h.get("layers");
        @SuppressWarnings("unchecked")
        List<String> classes = (List<String>) h.get("classes");
        NetworkSpec spec = new NetworkSpec(
                (String) h.get("network"), layers, ((Number) h.get("dropout")).doubleValue(), classes.size());
        return new Header((String) h.get("kind"), spec, classes);
    }

    /** Loads parameters from the rest of a weights stream into this model's block. */
    void loadParameters(DataInputStream in, String source) throws IOException {
        try {
            block().loadParameters(model.getNDManager(), in);
        } catch (MalformedModelException | RuntimeException e) {
            throw new IOException(source + " holds damaged or mismatched parameters: " + e.getMessage(), e);
        }
    }

    static DataInputStream open(InputStream in) {
        return new DataInputStream(new BufferedInputStream(in));
    }

    @Override
    public void close() {
        model.close();
    }
}
