package dev.keel.internal.log;

import dev.keel.core.MetricBatch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The binary payload of a {@link EventType#METRICS} record: a key dictionary local to the
 * record, then fixed-width points. Self-contained per record, so a reader can start at any
 * record boundary (recovery starts at the store's applied offset).
 *
 * <pre>
 * u16 keyCount, then keyCount × (u16 byteLength, UTF-8 bytes)
 * u32 pointCount, then pointCount × (u16 keyIndex, i64 step, i64 timestampMs, f64 value)
 * </pre>
 * Little-endian. At most 65535 distinct keys per record: {@link #encode} stops early and
 * returns how many points it took, so callers write several records for more.
 */
public final class MetricCodec {
    static final int POINT_BYTES = 2 + 8 + 8 + 8;
    public static final int MAX_KEYS = 0xFFFF;

    private MetricCodec() {}

    /** Encodes points {@code [from, to)} of {@code batch} (fewer when keys overflow); see {@link Encoded#taken}. */
    public static Encoded encode(MetricBatch batch, int from, int to) {
        Map<String, Integer> dict = new HashMap<>();
        int keyBytes = 0;
        int end = from;
        byte[][] encodedKeys = new byte[Math.min(to - from, MAX_KEYS)][];
        for (; end < to; end++) {
            String k = batch.key(end);
            if (!dict.containsKey(k)) {
                if (dict.size() == MAX_KEYS) {
                    break;
                }
                byte[] b = k.getBytes(StandardCharsets.UTF_8);
                encodedKeys[dict.size()] = b;
                dict.put(k, dict.size());
                keyBytes += 2 + b.length;
            }
        }
        int points = end - from;
        ByteBuffer buf =
                ByteBuffer.allocate(2 + keyBytes + 4 + points * POINT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.putShort((short) dict.size());
        for (int i = 0; i < dict.size(); i++) {
            buf.putShort((short) encodedKeys[i].length).put(encodedKeys[i]);
        }
        buf.putInt(points);
        for (int i = from; i < end; i++) {
            buf.putShort((short) (int) dict.get(batch.key(i)))
                    .putLong(batch.step(i))
                    .putLong(batch.timestamp(i))
                    .putDouble(batch.value(i));
        }
        return new Encoded(buf.array(), points);
    }

    /** Appends the payload's points to {@code out}; throws {@link IllegalArgumentException} on a malformed payload. */
    public static void decode(byte[] payload, MetricBatch out) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
            int keyCount = Short.toUnsignedInt(buf.getShort());
            String[] keys = new String[keyCount];
            for (int i = 0; i < keyCount; i++) {
                int len = Short.toUnsignedInt(buf.getShort());
                keys[i] = new String(payload, buf.position(), len, StandardCharsets.UTF_8).intern();
                buf.position(buf.position() + len);
            }
            int points = buf.getInt();
            if (points < 0 || (long) points * POINT_BYTES != buf.remaining()) {
                throw new IllegalArgumentException(
                        "metrics record: " + points + " points do not fit " + buf.remaining() + " bytes");
            }
            for (int i = 0; i < points; i++) {
                String key = keys[Short.toUnsignedInt(buf.getShort())];
                out.add(key, buf.getLong(), buf.getLong(), buf.getDouble());
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed metrics record: " + e, e);
        }
    }

    /** A payload and the number of points it holds. */
    public record Encoded(byte[] payload, int taken) {}
}
