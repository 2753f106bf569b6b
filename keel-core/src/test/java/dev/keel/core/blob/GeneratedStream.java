package dev.keel.core.blob;

import java.io.IOException;
import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * A reproducible stream of pseudo-random bytes of a given length, produced on the fly so a test
 * can store blobs far larger than it could hold in memory. {@code failAfter} makes it throw part
 * way, as a dropped upload or a full disk would.
 */
public final class GeneratedStream extends InputStream {
    private final SplittableRandom random;
    private final long length;
    private final long failAfter;
    private long position;
    private long word;
    private int wordLeft;

    public GeneratedStream(long seed, long length) {
        this(seed, length, Long.MAX_VALUE);
    }

    public GeneratedStream(long seed, long length, long failAfter) {
        this.random = new SplittableRandom(seed);
        this.length = length;
        this.failAfter = failAfter;
    }

    /** The address of what {@code new GeneratedStream(seed, length)} yields. */
    public static String addressOf(long seed, long length) throws IOException {
        var md = Hashes.sha256();
        try (InputStream in = new GeneratedStream(seed, length)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return Hashes.address(md.digest());
    }

    public static byte[] bytes(long seed, int length) throws IOException {
        try (InputStream in = new GeneratedStream(seed, length)) {
            return in.readAllBytes();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (position >= failAfter) {
            throw new IOException("generated failure after " + failAfter + " bytes");
        }
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(len, Math.min(length, failAfter) - position);
        for (int i = 0; i < n; i++) {
            if (wordLeft == 0) {
                word = random.nextLong();
                wordLeft = 8;
            }
            b[off + i] = (byte) word;
            word >>>= 8;
            wordLeft--;
        }
        position += n;
        return n;
    }
}
