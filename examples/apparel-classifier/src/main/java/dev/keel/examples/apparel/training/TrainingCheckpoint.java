package dev.keel.examples.apparel.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Everything the training loop needs to continue exactly where it stopped, and its file format.
 *
 * <p>What is in it: the parameters by name, {@link NamedAdam}'s moments and step counters by
 * parameter name, where training stood ({@code epochsDone} complete epochs, then {@code batch}
 * batches into the next one, {@code step} batches in all), the running epoch totals of the loss
 * and metrics ({@link Tallies}), the results of the completed epochs, and the training config it
 * was made with. No generator state: every random choice of the loop is a function of
 * (seed, epoch, step) — the data order of epoch e is {@code Shuffles.permutation(n, seed, e)},
 * dropout reseeds the engine from {@code (seed, step)} before each batch — so the position is
 * enough (the kill-and-resume test checks this bit for bit).
 *
 * <p>Format, version 1 (big-endian, {@code DataOutputStream} conventions; UTF strings are
 * {@code writeUTF}):
 * <pre>
 * "KEELAPCK"                 8 ASCII bytes
 * version                    int (1)
 * config                     int length + UTF-8 JSON of the training config
 * epochsDone, batch          int, int
 * step                       long
 * trainSeconds               double (training time so far)
 * epochs                     int n, then per epoch: int epoch, 5 doubles (loss, accuracy, val_loss, val_accuracy, seconds)
 * parameters                 int n, then per parameter: UTF name, int rank, long[rank] shape, int count, float[count]
 * optimizer                  int n, then per parameter: UTF name, long step, int count, float[count] m, float[count] v
 * tallies                    int n, then per evaluator: UTF name, int count, long[count]
 * crc32                      long: CRC-32 of every byte before it
 * </pre>
 * Keel's checkpoint store adds its own header and a SHA-256 content address around this; the
 * CRC makes the file check itself wherever it is copied.
 */
public final class TrainingCheckpoint {
    static final byte[] MAGIC = "KEELAPCK".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /** The accumulator key of DJL's running training-epoch totals. */
    static final String EPOCH_KEY = EvaluatorTrainingListener.TRAIN_EPOCH;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One parameter's values and shape. */
    record Tensor(long[] shape, float[] values) {}

    /** One parameter's Adam state. */
    record AdamState(long step, float[] m, float[] v) {}

    private final Map<String, Object> config;
    private final int epochsDone;
    private final int batch;
    private final long step;
    private final double trainSeconds;
    private final List<TrainingLoop.EpochResult> epochs;
    private final Map<String, Tensor> parameters;
    private final Map<String, AdamState> optimizer;
    private final Map<String, long[]> tallies;

    TrainingCheckpoint(
            Map<String, Object> config,
            int epochsDone,
            int batch,
            long step,
            double trainSeconds,
            List<TrainingLoop.EpochResult> epochs,
            Map<String, Tensor> parameters,
            Map<String, AdamState> optimizer,
            Map<String, long[]> tallies) {
        this.config = config;
        this.epochsDone = epochsDone;
        this.batch = batch;
        this.step = step;
        this.trainSeconds = trainSeconds;
        this.epochs = List.copyOf(epochs);
        this.parameters = parameters;
        this.optimizer = optimizer;
        this.tallies = tallies;
    }

    /** Copies the loop's state out of native memory. */
    static TrainingCheckpoint capture(
            Map<String, Object> config,
            int epochsDone,
            int batch,
            long step,
            double trainSeconds,
            List<TrainingLoop.EpochResult> epochs,
            Block block,
            NamedAdam adam,
            List<Evaluator> evaluators) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            params.put(p.getKey(), new Tensor(a.getShape().getShape(), a.toFloatArray()));
        }
        Map<String, AdamState> opt = new LinkedHashMap<>();
        adam.state()
                .forEach((name, s) ->
                        opt.put(name, new AdamState(s.step(), s.m().toFloatArray(), s.v().toFloatArray())));
        Map<String, long[]> t = new LinkedHashMap<>();
        for (Evaluator e : evaluators) {
            t.put(e.getName(), ((Tallies.Tally) e).tally(EPOCH_KEY));
        }
        return new TrainingCheckpoint(config, epochsDone, batch, step, trainSeconds, epochs, params, opt, t);
    }

    /**
     * Puts the state back into an initialised block, a bound optimizer and the trainer's
     * evaluators. Parameters are overwritten in place, so the trainer keeps using the same arrays.
     */
    void restore(Block block, NamedAdam adam, List<Evaluator> evaluators) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Tensor saved = parameters.get(p.getKey());
            NDArray a = p.getValue().getArray();
            if (saved == null || !new Shape(saved.shape()).equals(a.getShape())) {
                throw new IllegalArgumentException("the checkpoint does not fit this network: parameter " + p.getKey()
                        + (saved == null
                                ? " is missing"
                                : " has shape " + new Shape(saved.shape()) + ", the network has " + a.getShape())
                        + "; resume with the experiment and overrides the run was started with");
            }
            a.set(FloatBuffer.wrap(saved.values()));
            AdamState s = optimizer.get(p.getKey());
            if (s != null) {
                adam.restore(p.getKey(), s.m(), s.v(), s.step(), a);
            }
        }
        for (Evaluator e : evaluators) {
            long[] t = tallies.get(e.getName());
            if (t != null) {
                ((Tallies.Tally) e).restoreTally(EPOCH_KEY, t);
            }
        }
    }

    public Map<String, Object> config() {
        return config;
    }

    /** Complete epochs before this checkpoint. */
    public int epochsDone() {
        return epochsDone;
    }

    /** Batches of epoch {@code epochsDone} (0-based) already trained; 0 at an epoch boundary. */
    public int batch() {
        return batch;
    }

    /** Batches trained in all (the step of the next batch). */
    public long step() {
        return step;
    }

    public double trainSeconds() {
        return trainSeconds;
    }

    public List<TrainingLoop.EpochResult> epochs() {
        return epochs;
    }

    Map<String, AdamState> optimizerState() {
        return optimizer;
    }

    Map<String, Tensor> parameters() {
        return parameters;
    }

    /** Writes the versioned format (see the class comment). */
    public void writeTo(OutputStream target) throws IOException {
        CheckedOutputStream checked = new CheckedOutputStream(target, new CRC32());
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(checked, 1 << 16));
        out.write(MAGIC);
        out.writeInt(VERSION);
        byte[] json = JSON.writeValueAsBytes(config);
        out.writeInt(json.length);
        out.write(json);
        out.writeInt(epochsDone);
        out.writeInt(batch);
        out.writeLong(step);
        out.writeDouble(trainSeconds);
        out.writeInt(epochs.size());
        for (TrainingLoop.EpochResult r : epochs) {
            out.writeInt(r.epoch());
            for (double d : new double[] {r.loss(), r.accuracy(), r.valLoss(), r.valAccuracy(), r.seconds()}) {
                out.writeDouble(d);
            }
        }
        out.writeInt(parameters.size());
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().shape().length);
            for (long d : e.getValue().shape()) {
                out.writeLong(d);
            }
            writeFloats(out, e.getValue().values());
        }
        out.writeInt(optimizer.size());
        for (Map.Entry<String, AdamState> e : optimizer.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue().step());
            writeFloats(out, e.getValue().m());
            out.write(floatBytes(e.getValue().v()));
        }
        out.writeInt(tallies.size());
        for (Map.Entry<String, long[]> e : tallies.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            for (long v : e.getValue()) {
                out.writeLong(v);
            }
        }
        out.flush();
        new DataOutputStream(target).writeLong(checked.getChecksum().getValue());
        target.flush();
    }

    /** Reads the format, verifying magic, version and CRC; {@code source} names the file in errors. */
    public static TrainingCheckpoint read(InputStream source, String what) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(source, 1 << 16);
        CheckedInputStream checked = new CheckedInputStream(buffered, new CRC32());
        DataInputStream in = new DataInputStream(checked);
        try {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(what + " is not an apparel-classifier training checkpoint (bad magic bytes)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(
                        what + " has training checkpoint version " + version + "; this code reads version " + VERSION);
            }
            int jsonLength = bounded(in.readInt(), 1 << 20, what, "config");
            @SuppressWarnings("unchecked")
            Map<String, Object> config = JSON.readValue(in.readNBytes(jsonLength), LinkedHashMap.class);
            int epochsDone = in.readInt();
            int batch = in.readInt();
            long step = in.readLong();
            double seconds = in.readDouble();
            List<TrainingLoop.EpochResult> epochs = new ArrayList<>();
            for (int i = bounded(in.readInt(), 1 << 20, what, "epoch list"); i > 0; i--) {
                epochs.add(new TrainingLoop.EpochResult(
                        in.readInt(),
                        in.readDouble(),
                        in.readDouble(),
                        in.readDouble(),
                        in.readDouble(),
                        in.readDouble()));
            }
            Map<String, Tensor> params = new LinkedHashMap<>();
            for (int i = bounded(in.readInt(), 1 << 16, what, "parameter list"); i > 0; i--) {
                String name = in.readUTF();
                long[] shape = new long[bounded(in.readInt(), 16, what, "rank of " + name)];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = in.readLong();
                }
                params.put(name, new Tensor(shape, readFloats(in, what, name)));
            }
            Map<String, AdamState> opt = new LinkedHashMap<>();
            for (int i = bounded(in.readInt(), 1 << 16, what, "optimizer state"); i > 0; i--) {
                String name = in.readUTF();
                long t = in.readLong();
                float[] m = readFloats(in, what, name);
                float[] v = floats(in.readNBytes(m.length * 4), m.length, what, name);
                opt.put(name, new AdamState(t, m, v));
            }
            Map<String, long[]> tallies = new LinkedHashMap<>();
            for (int i = bounded(in.readInt(), 1 << 10, what, "tallies"); i > 0; i--) {
                String name = in.readUTF();
                long[] v = new long[bounded(in.readInt(), 16, what, "tally of " + name)];
                for (int k = 0; k < v.length; k++) {
                    v[k] = in.readLong();
                }
                tallies.put(name, v);
            }
            long computed = checked.getChecksum().getValue();
            long stored = new DataInputStream(buffered).readLong(); // the CRC is not part of what it covers
            if (stored != computed) {
                throw new IOException(what + " is damaged: CRC-32 " + Long.toHexString(computed)
                        + " does not match the stored " + Long.toHexString(stored));
            }
            return new TrainingCheckpoint(config, epochsDone, batch, step, seconds, epochs, params, opt, tallies);
        } catch (EOFException e) {
            throw new IOException(what + " is truncated", e);
        }
    }

    private static int bounded(int n, int max, String what, String field) throws IOException {
        if (n < 0 || n > max) {
            throw new IOException(what + " is damaged: " + field + " has length " + n);
        }
        return n;
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        out.write(floatBytes(values));
    }

    private static byte[] floatBytes(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    private static float[] readFloats(DataInputStream in, String what, String name) throws IOException {
        int n = bounded(in.readInt(), 1 << 28, what, "values of " + name);
        return floats(in.readNBytes(n * 4), n, what, name);
    }

    private static float[] floats(byte[] bytes, int n, String what, String name) throws IOException {
        if (bytes.length != n * 4) {
            throw new IOException(what + " is truncated in the values of " + name);
        }
        float[] out = new float[n];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(out);
        return out;
    }
}
