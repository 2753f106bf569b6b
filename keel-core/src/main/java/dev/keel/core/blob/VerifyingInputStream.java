package dev.keel.core.blob;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes the bytes it passes on and, at end of stream, checks them against the blob's address,
 * throwing {@link CorruptBlobException} on a mismatch. Every {@link BlobStore} wraps its reads in
 * one, so a damaged blob fails the same way whatever holds it.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private static final int SKIP_BUFFER = 1 << 16;
    private final MessageDigest md = Hashes.sha256();
    private final String expected;
    private boolean checked;

    public VerifyingInputStream(InputStream in, String expected) {
        super(in);
        this.expected = expected;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            check();
        } else {
            md.update((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            check();
        } else {
            md.update(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipping would leave bytes unhashed; read them instead.
        byte[] buf = new byte[(int) Math.max(0, Math.min(n, SKIP_BUFFER))];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check() {
        if (!checked) {
            checked = true;
            String actual = Hashes.address(md.digest());
            if (!actual.equals(expected)) {
                throw new CorruptBlobException(expected, actual);
            }
        }
    }
}
