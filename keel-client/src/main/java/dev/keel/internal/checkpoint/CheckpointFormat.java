package dev.keel.internal.checkpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.keel.core.Json;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint file: {@code "KEELCKPT"}, a format version (u32), a JSON header (u32 length +
 * UTF-8: epoch, step, metrics, created) and then the caller's payload. The header makes every
 * checkpoint self-describing, so listing needs no other record; the version is checked on load.
 */
final class CheckpointFormat {
    static final byte[] MAGIC = "KEELCKPT".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final int MAX_HEADER = 1 << 20;

    private CheckpointFormat() {}

    /**
     * {@code bestBy} and {@code bestMode} ({@code max}/{@code min}) are the run's keepBest choice,
     * null when it made none: they let a reader that has only the files (the model registry's
     * {@code --checkpoint best}) tell which checkpoint is the best.
     */
    record Header(long epoch, long step, Map<String, Double> metrics, long createdAt, String bestBy, String bestMode) {

        Header(long epoch, long step, Map<String, Double> metrics, long createdAt) {
            this(epoch, step, metrics, createdAt, null, null);
        }
    }

    static void writeHeader(OutputStream out, Header h) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epoch", h.epoch());
        json.put("step", h.step());
        json.put("metrics", h.metrics());
        json.put("created_at", h.createdAt());
        if (h.bestBy() != null) {
            json.put("best_by", h.bestBy());
            json.put("best_mode", h.bestMode());
        }
        byte[] bytes = Json.write(json).getBytes(StandardCharsets.UTF_8);
        DataOutputStream d = new DataOutputStream(out);
        d.write(MAGIC);
        d.writeInt(VERSION);
        d.writeInt(bytes.length);
        d.write(bytes);
        d.flush();
    }

    /** Reads the header and leaves {@code in} at the start of the payload. */
    static Header readHeader(InputStream in, String what) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        d.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(what + " is not a Keel checkpoint (bad magic bytes)");
        }
        int version = d.readInt();
        if (version != VERSION) {
            throw new IOException(what + " has checkpoint format version " + version + "; this Keel reads version "
                    + VERSION + ": use the Keel version that wrote it");
        }
        int len = d.readInt();
        if (len < 0 || len > MAX_HEADER) {
            throw new IOException(what + " has a damaged header (length " + len + ")");
        }
        byte[] bytes = new byte[len];
        d.readFully(bytes);
        Map<String, Object> json = Json.MAPPER.readValue(bytes, new TypeReference<LinkedHashMap<String, Object>>() {});
        Map<String, Double> metrics = new LinkedHashMap<>();
        Object m = json.get("metrics");
        if (m instanceof Map<?, ?> map) {
            map.forEach((k, v) -> metrics.put(k.toString(), toDouble(v)));
        }
        return new Header(
                ((Number) json.get("epoch")).longValue(),
                ((Number) json.get("step")).longValue(),
                metrics,
                ((Number) json.get("created_at")).longValue());
    }

    private static Double toDouble(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        return switch (String.valueOf(v)) {
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.NaN;
        };
    }
}
