package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The SHA-256 of everything a scan saw, in scan order: per entry its kind, path, size, mtime,
 * file identity (device and inode), executable bit and link target, each length-prefixed so
 * the encoding is unambiguous. Two scans with equal digests saw the same files with the same
 * stat tuples, so whatever the stat cache concluded from one holds for the other.
 */
final class ScanDigest {
    private static final int BUFFER = 1 << 16;
    /** Room for one entry's fixed fields; strings flush on their own. */
    private static final int FIXED = 64;

    private final MessageDigest sha = Hashes.sha256();
    private final byte[] buf = new byte[BUFFER];
    private int pos;

    private ScanDigest() {}

    static byte[] of(List<Scanner.Found> found) {
        ScanDigest d = new ScanDigest();
        d.putLong(found.size());
        for (Scanner.Found f : found) {
            d.put(f);
        }
        d.flush();
        return d.sha.digest();
    }

    /**
     * One entry. A method of its own rather than the loop's body: the JIT compiles a method after
     * a few hundred calls, a loop body only after tens of thousands of iterations, so in a fresh
     * JVM the body would be interpreted for most of a large folder.
     */
    private void put(Scanner.Found f) {
        room(FIXED);
        buf[pos++] = (byte) f.type().code;
        putLong(f.size());
        putLong(f.mtimeNanos());
        buf[pos++] = (byte) (f.executable() ? 1 : 0);
        putString(f.path());
        putString(f.key());
        putString(f.linkTarget() == null ? "" : f.linkTarget());
    }

    private void room(int n) {
        if (pos + n > BUFFER) {
            flush();
        }
    }

    private void flush() {
        sha.update(buf, 0, pos);
        pos = 0;
    }

    private void putLong(long v) {
        room(8);
        putInt(pos, (int) (v >>> 32));
        putInt(pos + 4, (int) v);
        pos += 8;
    }

    private void putInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    /**
     * UTF-8 with a byte-length prefix. {@code getBytes} and {@code arraycopy} rather than a char
     * loop: this runs once per path in a fresh JVM, mostly before the JIT has compiled it.
     */
    private void putString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        room(4);
        putInt(pos, b.length);
        pos += 4;
        if (b.length > BUFFER - pos) {
            flush();
            if (b.length > BUFFER) {
                sha.update(b);
                return;
            }
        }
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }
}
