package dev.keel.data.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Everything a scan saw, as bytes in scan order: per entry its kind, path, size, mtime, file
 * identity (device and inode), executable bit and link target, each string length-prefixed so
 * the encoding is unambiguous. Two scans with equal records (and entry counts) saw the same
 * files with the same stat tuples, so whatever the stat cache concluded from one holds for the
 * other. The stat cache keeps the record of the scan that made its snapshot; a new scan builds
 * its own as it walks, on the walking threads, and the two are compared byte for byte: no digest
 * to compute on the way.
 */
final class ScanRecord {
    private byte[] buf;
    private int length;

    ScanRecord() {
        buf = new byte[4096];
    }

    /** The record of {@code found}, in its order. */
    static ScanRecord of(List<Scanner.Found> found) {
        ScanRecord r = new ScanRecord();
        for (Scanner.Found f : found) {
            r.put(f);
        }
        return r;
    }

    int length() {
        return length;
    }

    /** Whether this record holds exactly the {@code length} bytes of {@code other} from offset 0. */
    boolean sameAs(byte[] other) {
        return other.length == length && Arrays.equals(buf, 0, length, other, 0, length);
    }

    /** The bytes (the first {@link #length} of the array count). */
    byte[] bytes() {
        return buf;
    }

    /** Appends another record (a sub-folder's, after this folder's own entries). */
    void append(ScanRecord other) {
        room(other.length);
        System.arraycopy(other.buf, 0, buf, length, other.length);
        length += other.length;
    }

    /**
     * One entry. A method of its own rather than a loop's body: the JIT compiles a method after
     * a few hundred calls, a loop body only after tens of thousands of iterations.
     */
    void put(Scanner.Found f) {
        byte[] path = f.path().getBytes(StandardCharsets.UTF_8);
        byte[] key = f.key().getBytes(StandardCharsets.UTF_8);
        byte[] target = f.linkTarget() == null ? null : f.linkTarget().getBytes(StandardCharsets.UTF_8);
        room(30 + path.length + key.length + (target == null ? 0 : target.length));
        buf[length++] = (byte) f.type().code;
        putLong(f.size());
        putLong(f.mtimeNanos());
        buf[length++] = (byte) (f.executable() ? 1 : 0);
        putBytes(path);
        putBytes(key);
        if (target == null) {
            putInt(0);
        } else {
            putBytes(target);
        }
    }

    private void room(int n) {
        if (buf.length - length < n) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
        }
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    private void putInt(int v) {
        buf[length] = (byte) (v >>> 24);
        buf[length + 1] = (byte) (v >>> 16);
        buf[length + 2] = (byte) (v >>> 8);
        buf[length + 3] = (byte) v;
        length += 4;
    }

    private void putBytes(byte[] b) {
        putInt(b.length);
        System.arraycopy(b, 0, buf, length, b.length);
        length += b.length;
    }
}
