package dev.keel.data.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        this(4096);
    }

    ScanRecord(int capacity) {
        buf = new byte[Math.max(64, capacity)];
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

    /** Whether {@code other} holds this record's bytes at {@code offset}. */
    boolean sameAt(byte[] other, int offset) {
        return other.length - offset >= length && Arrays.equals(buf, 0, length, other, offset, offset + length);
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

    /**
     * A regular file named {@code prefix} followed by {@code name} (both UTF-8), with the same
     * bytes as {@link #put} of its {@link Scanner.Found} but without making one or joining its
     * path into a string.
     */
    void putFile(byte[] prefix, byte[] name, long size, long mtimeNanos, boolean executable, byte[] key) {
        room(30 + prefix.length + name.length + key.length);
        buf[length++] = (byte) Entry.Type.FILE.code;
        putLong(size);
        putLong(mtimeNanos);
        buf[length++] = (byte) (executable ? 1 : 0);
        putInt(prefix.length + name.length);
        System.arraycopy(prefix, 0, buf, length, prefix.length);
        length += prefix.length;
        System.arraycopy(name, 0, buf, length, name.length);
        length += name.length;
        putBytes(key);
        putInt(0);
    }

    /**
     * Reads the entries back: {@code count} entries from {@code offset} of {@code bytes}, each
     * made into a {@link Scanner.Found} under {@code root} (with no exact path: the callers
     * replace the entries that need one) and passed to {@code into}; returns the offset after them.
     */
    static int decode(byte[] bytes, int offset, int count, Path root, List<Scanner.Found> into) {
        int at = offset;
        for (int i = 0; i < count; i++) {
            Entry.Type type = Entry.Type.of((char) bytes[at]);
            long size = getLong(bytes, at + 1);
            long mtime = getLong(bytes, at + 9);
            boolean exec = bytes[at + 17] != 0;
            at += 18;
            int n = getInt(bytes, at);
            String path = new String(bytes, at + 4, n, StandardCharsets.UTF_8);
            at += 4 + n;
            n = getInt(bytes, at);
            String key = new String(bytes, at + 4, n, StandardCharsets.UTF_8);
            at += 4 + n;
            n = getInt(bytes, at);
            String target = type != Entry.Type.LINK ? null : new String(bytes, at + 4, n, StandardCharsets.UTF_8);
            at += 4 + n;
            into.add(new Scanner.Found(path, root, null, type, size, mtime, key, exec, target));
        }
        return at;
    }

    private static long getLong(byte[] b, int at) {
        return ((long) getInt(b, at) << 32) | (getInt(b, at + 4) & 0xFFFF_FFFFL);
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
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
