package dev.keel.core.model;

import dev.keel.core.Json;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the JSON header at the start of a checkpoint file that the SDK writes ({@code "KEELCKPT"},
 * format version, header length, header): the metrics it was saved with and, when the run chose
 * one ({@code keepBest}), the metric and direction that make a checkpoint the best.
 */
final class CheckpointHeaders {
    private static final byte[] MAGIC = "KEELCKPT".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEADER = 1 << 20;

    private CheckpointHeaders() {}

    /** The header's fields; empty when the bytes are not a checkpoint this Keel reads. */
    static Optional<Map<String, Object>> read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        d.readFully(magic);
        if (!Arrays.equals(magic, MAGIC) || d.readInt() != 1) {
            return Optional.empty();
        }
        int len = d.readInt();
        if (len < 0 || len > MAX_HEADER) {
            return Optional.empty();
        }
        byte[] bytes = d.readNBytes(len);
        return Optional.of(Json.readMap(new String(bytes, StandardCharsets.UTF_8)));
    }
}
