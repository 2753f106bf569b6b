package dev.keel.core.store.wire;

import dev.keel.core.KeelException;
import dev.keel.core.MetricBatch;
import dev.keel.core.store.WriteBatch;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link WriteBatch} in the compact binary body {@value #MEDIA_TYPE}, beside {@link BatchJson}
 * for {@code POST /api/v1/runs/{id}/batches}. Ingest spends most of its time on the points, and
 * JSON makes each one cost a formatted and a parsed number per column; here a point is a key
 * index, two varint deltas and the value's 8 bytes, copied, never formatted:
 *
 * <pre>
 * 'K' 'B' 0x01 0x00                     magic and version
 * varint n, n bytes                     everything but the points, as BatchJson (may be empty: n = 0)
 * varint keyCount, keyCount × (varint byteLength, UTF-8 bytes)
 * varint pointCount, pointCount × (varint keyIndex, zigzag varint step delta,
 *                                  zigzag varint timestamp delta, f64 little-endian value)
 * </pre>
 *
 * Deltas are to the previous point (the first to 0). The body ends after the last point. Bad
 * bodies get the same errors as JSON ones: {@code BAD_REQUEST} when it is not this format,
 * {@code INVALID_PARAMETER_VALUE} naming the field when a value is wrong.
 */
public final class BatchBinary {
    /** The Content-Type of this body. */
    public static final String MEDIA_TYPE = "application/x-keel-batch";

    private static final byte[] MAGIC = {'K', 'B', 1, 0};
    /** The fewest bytes a point takes: three one-byte varints and the value. */
    private static final int MIN_POINT_BYTES = 3 + 8;

    private BatchBinary() {}

    /** Whether a request's Content-Type names this format. */
    public static boolean isMediaType(String contentType) {
        return contentType != null
                && contentType.trim().toLowerCase(Locale.ROOT).startsWith(MEDIA_TYPE);
    }

    /** The batch in this format. */
    public static byte[] encode(WriteBatch b) {
        MetricBatch m = b.metrics;
        byte[] header = BatchJson.encodeWithoutMetrics(b);
        Map<String, Integer> index = new HashMap<>();
        byte[][] keyBytes = new byte[Math.min(m.size(), 1024)][];
        int[] keyOf = new int[m.size()];
        int keyCount = 0;
        int size = MAGIC.length + 5 + header.length + 10;
        for (int i = 0; i < m.size(); i++) {
            String k = m.key(i);
            Integer at = index.get(k);
            if (at == null) {
                at = keyCount++;
                index.put(k, at);
                if (at == keyBytes.length) {
                    keyBytes = Arrays.copyOf(keyBytes, at * 2);
                }
                keyBytes[at] = k.getBytes(StandardCharsets.UTF_8);
                size += 5 + keyBytes[at].length;
            }
            keyOf[i] = at;
        }
        size += m.size() * (5 + 10 + 10 + 8);
        Out out = new Out(size);
        out.bytes(MAGIC, MAGIC.length);
        out.varint(header.length);
        out.bytes(header, header.length);
        out.varint(keyCount);
        for (int k = 0; k < keyCount; k++) {
            out.varint(keyBytes[k].length);
            out.bytes(keyBytes[k], keyBytes[k].length);
        }
        out.varint(m.size());
        long step = 0;
        long time = 0;
        for (int i = 0; i < m.size(); i++) {
            out.varint(keyOf[i]);
            out.varint(zigzag(m.step(i) - step));
            out.varint(zigzag(m.timestamp(i) - time));
            out.double64(m.value(i));
            step = m.step(i);
            time = m.timestamp(i);
        }
        return out.toArray();
    }

    /** Reads and validates a body of this format. */
    public static WriteBatch decode(byte[] body) {
        In in = new In(body);
        for (int i = 0; i < MAGIC.length; i++) {
            if (in.remaining() == 0 || in.body[in.pos++] != MAGIC[i]) {
                throw new KeelException(
                        KeelException.ErrorCode.BAD_REQUEST,
                        "the request body is not a Keel binary" + " batch (" + MEDIA_TYPE
                                + ", version 1): send that, or JSON with Content-Type application/json");
            }
        }
        int headerLength = in.length("the batch header");
        WriteBatch b = headerLength == 0
                ? new WriteBatch()
                : BatchJson.decodeWithoutMetrics(Arrays.copyOfRange(body, in.pos, in.pos + headerLength));
        in.pos += headerLength;
        int keyCount = in.length("metrics.keys");
        String[] keys = new String[keyCount];
        for (int k = 0; k < keyCount; k++) {
            int len = in.length("metrics.keys[" + k + "]");
            keys[k] = WireCheck.key(new String(body, in.pos, len, StandardCharsets.UTF_8), "metrics.keys[" + k + "]");
            in.pos += len;
        }
        long n = in.varint("the point count", -1);
        if (n < 0 || n > in.remaining() / MIN_POINT_BYTES) {
            throw truncated("metrics: " + n + " points cannot fit the " + in.remaining() + " bytes left");
        }
        MetricBatch out = b.metrics;
        out.ensureCapacity((int) n);
        long step = 0;
        long time = 0;
        for (int i = 0; i < n; i++) {
            long key = in.varint("metrics.key", i);
            if (key < 0 || key >= keyCount) {
                throw WireCheck.bad(
                        "metrics.key[" + i + "]",
                        "must index 'metrics.keys' (0 to " + (keyCount - 1) + "), got " + key);
            }
            step += unzigzag(in.varint("metrics.step", i));
            time += unzigzag(in.varint("metrics.timestamp", i));
            if (time < 0) {
                throw WireCheck.bad("metrics.timestamp[" + i + "]", "must be 0 or more, got " + time);
            }
            out.add(keys[(int) key], step, time, in.double64(i));
        }
        if (in.remaining() != 0) {
            throw truncated("the body goes on for " + in.remaining() + " bytes after the last point");
        }
        return b;
    }

    private static KeelException truncated(String what) {
        return new KeelException(KeelException.ErrorCode.BAD_REQUEST, "malformed " + MEDIA_TYPE + " body: " + what);
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /** A growing byte buffer sized up front. */
    private static final class Out {
        private byte[] buf;
        private int pos;

        Out(int size) {
            buf = new byte[size];
        }

        void bytes(byte[] b, int n) {
            System.arraycopy(b, 0, buf, pos, n);
            pos += n;
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void double64(double d) {
            long v = Double.doubleToRawLongBits(d);
            for (int s = 0; s < 64; s += 8) {
                buf[pos++] = (byte) (v >>> s);
            }
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** A bounds-checked reader: running out is a clear 400, never an exception from an array. */
    private static final class In {
        private final byte[] body;
        private int pos;

        In(byte[] body) {
            this.body = body;
        }

        int remaining() {
            return body.length - pos;
        }

        /** A varint; {@code index} of the point it belongs to (-1: none) only names it in errors. */
        long varint(String field, int index) {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= body.length) {
                    throw truncated(name(field, index) + " is cut off");
                }
                byte b = body[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw truncated(name(field, index) + " is not a varint (more than 10 bytes)");
        }

        private static String name(String field, int index) {
            return index < 0 ? field : field + "[" + index + "]";
        }

        /** A byte length that must fit what is left. */
        int length(String field) {
            long n = varint(field, -1);
            if (n < 0 || n > remaining()) {
                throw truncated(field + ": a length of " + n + " does not fit the " + remaining() + " bytes left");
            }
            return (int) n;
        }

        double double64(int index) {
            if (remaining() < 8) {
                throw truncated(name("metrics.value", index) + " is cut off");
            }
            long v = 0;
            for (int s = 0; s < 64; s += 8) {
                v |= (body[pos++] & 0xFFL) << s;
            }
            return Double.longBitsToDouble(v);
        }
    }
}
