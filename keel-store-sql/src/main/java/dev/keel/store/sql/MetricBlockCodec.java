package dev.keel.store.sql;

import dev.keel.core.KeelException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The binary form of one block of a metric's points, stored as one row so that a series is
 * written and read back as a handful of rows rather than one per point.
 * <pre>
 * byte     version (1)
 * varint   n, the number of points
 * n x 8    values: raw IEEE-754 bits, little-endian (NaN and infinities survive as they are)
 * varints  steps: the first zig-zag encoded, then zig-zag deltas from the previous step
 * varints  timestamps: likewise
 * </pre>
 * Steps usually grow by one and timestamps by a few milliseconds, so both take about a byte per
 * point; values are kept exact rather than compressed.
 */
final class MetricBlockCodec {
    static final byte VERSION = 1;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private MetricBlockCodec() {}

    /** Encodes the points {@code idx[0..n)} of the parallel arrays. */
    static byte[] encode(long[] steps, long[] timestamps, double[] values, int[] idx, int n) {
        byte[] out = new byte[1 + 5 + n * 8 + n * 20];
        out[0] = VERSION;
        int pos = writeVarint(out, 1, n);
        for (int k = 0; k < n; k++) {
            LONGS.set(out, pos, Double.doubleToRawLongBits(values[idx[k]]));
            pos += 8;
        }
        long prev = 0;
        for (int k = 0; k < n; k++) {
            long s = steps[idx[k]];
            pos = writeVarint(out, pos, zigzag(s - prev));
            prev = s;
        }
        prev = 0;
        for (int k = 0; k < n; k++) {
            long t = timestamps[idx[k]];
            pos = writeVarint(out, pos, zigzag(t - prev));
            prev = t;
        }
        return Arrays.copyOf(out, pos);
    }

    /** The number of points in an encoded block. */
    static int count(byte[] block) {
        checkVersion(block);
        return (int) readVarint(block, new int[] {1});
    }

    /** Decodes a block into the arrays starting at {@code at}; returns the number of points. */
    static int decode(byte[] block, long[] steps, long[] timestamps, double[] values, int at) {
        checkVersion(block);
        int[] pos = {1};
        int n = (int) readVarint(block, pos);
        int p = pos[0];
        for (int k = 0; k < n; k++) {
            values[at + k] = Double.longBitsToDouble((long) LONGS.get(block, p));
            p += 8;
        }
        pos[0] = p;
        long prev = 0;
        for (int k = 0; k < n; k++) {
            prev += unzigzag(readVarint(block, pos));
            steps[at + k] = prev;
        }
        prev = 0;
        for (int k = 0; k < n; k++) {
            prev += unzigzag(readVarint(block, pos));
            timestamps[at + k] = prev;
        }
        return n;
    }

    private static void checkVersion(byte[] block) {
        if (block.length == 0 || block[0] != VERSION) {
            throw new KeelException(
                    KeelException.ErrorCode.CORRUPT_DATA,
                    "a stored metric block has format "
                            + (block.length == 0 ? "(empty)" : Byte.toString(block[0])) + ", this Keel reads format "
                            + VERSION + ": upgrade Keel");
        }
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static int writeVarint(byte[] out, int pos, long v) {
        while ((v & ~0x7FL) != 0) {
            out[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[pos++] = (byte) v;
        return pos;
    }

    private static long readVarint(byte[] in, int[] pos) {
        int p = pos[0];
        long result = 0;
        int shift = 0;
        byte b;
        do {
            b = in[p++];
            result |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while (b < 0);
        pos[0] = p;
        return result;
    }
}
