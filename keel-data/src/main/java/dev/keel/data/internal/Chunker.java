package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Content-defined chunking in the FastCDC style: a gear rolling hash over the bytes, cut where
 * its top bits are zero. Between {@link #MIN} and the {@link #AVG} point a stricter mask makes
 * cuts rarer, after it a looser one makes them likelier ("normalised chunking"), which keeps
 * sizes near the average. Boundaries depend only on nearby bytes, so an edit in the middle of a
 * large file changes only the chunks around it.
 *
 * <p>The gear table is derived from SHA-256 so that it is fixed forever: changing it would
 * change every chunk boundary and lose deduplication against stored versions.
 */
final class Chunker {
    static final int MIN = 16 * 1024;
    static final int AVG = 64 * 1024;
    static final int MAX = 256 * 1024;
    /** 18 and 14 one-bits at the top of the word: cut probability 2^-18 before AVG, 2^-14 after. */
    private static final long MASK_STRICT = 0xFFFF_C000_0000_0000L;

    private static final long MASK_LOOSE = 0xFFFC_0000_0000_0000L;
    private static final long[] GEAR = gearTable();

    private Chunker() {}

    /**
     * The length of the next chunk starting at {@code off}, given {@code len} available bytes;
     * when fewer than {@link #MAX} bytes remain the caller passes {@code atEnd} so the tail is
     * one chunk.
     */
    static int cut(byte[] buf, int off, int len) {
        if (len <= MIN) {
            return len;
        }
        int end = Math.min(len, MAX);
        int normal = Math.min(end, AVG);
        long fp = 0;
        int i = MIN;
        for (; i < normal; i++) {
            fp = (fp << 1) + GEAR[buf[off + i] & 0xFF];
            if ((fp & MASK_STRICT) == 0) {
                return i + 1;
            }
        }
        for (; i < end; i++) {
            fp = (fp << 1) + GEAR[buf[off + i] & 0xFF];
            if ((fp & MASK_LOOSE) == 0) {
                return i + 1;
            }
        }
        return end;
    }

    private static long[] gearTable() {
        long[] t = new long[256];
        MessageDigest md = Hashes.sha256();
        for (int i = 0; i < 256; i++) {
            byte[] d = md.digest(("keel-gear-" + i).getBytes(StandardCharsets.US_ASCII));
            long v = 0;
            for (int k = 0; k < 8; k++) {
                v = (v << 8) | (d[k] & 0xFF);
            }
            t[i] = v;
        }
        return t;
    }
}
