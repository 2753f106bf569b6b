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

    private ScanDigest() {
    }

    static byte[] of(List<Scanner.Found> found) {
        ScanDigest d = new ScanDigest();
        d.putLong(found.size());
        for (Scanner.Found f : found) {
            d.room(FIXED);
            d.buf[d.pos++] = (byte) f.type().code;
            d.putLong(f.size());
            d.putLong(f.mtimeNanos());
            d.buf[d.pos++] = (byte) (f.executable() ? 1 : 0);
            d.putString(f.path());
            d.putString(f.key());
            d.putString(f.linkTarget() == null ? "" : f.linkTarget());
        }
        d.flush();
        return d.sha.digest();
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
        for (int i = 56; i >= 0; i -= 8) {
            buf[pos++] = (byte) (v >>> i);
        }
    }

    private void putInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    /** UTF-8 with a byte-length prefix; ASCII (nearly every path) is copied without an intermediate array. */
    private void putString(String s) {
        int n = s.length();
        if (n <= BUFFER - 8) {
            room(4 + n);
            int start = pos;
            int p = start + 4;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    p = -1;
                    break;
                }
                buf[p++] = (byte) c;
            }
            if (p >= 0) {
                putInt(start, n);
                pos = p;
                return;
            }
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        room(4);
        putInt(pos, b.length);
        pos += 4;
        flush();
        sha.update(b);
    }
}
