package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What each object in the checkout cache looked like when Keel last knew its bytes were right:
 * size, mtime, ctime and inode. A hard-linked checkout shares its inode with the cache object,
 * so an edit through it moves the mtime and, whatever the editor does to the mtime afterwards,
 * the ctime (which no user can set back). An object whose stamp still matches is trusted without
 * reading it; any other is re-hashed before it is handed out. A lost or stale stamp only costs a
 * re-hash: a stamp trusts nothing but the exact file it was taken from. A copy-on-write clone
 * (the default checkout where the file system clones) has an inode of its own: editing it moves
 * no stamp here, and needs none to, since the object's blocks are not written.
 */
final class CacheStamps {
    private static final String MAGIC = "keel-cache-stamps 1";
    private static final boolean UNIX_VIEW = supportsUnixView();
    private final Path file;
    private final Map<String, Stamp> stamps;
    private volatile boolean dirty;

    record Stamp(long size, long mtime, long ctime, long inode) {}

    private CacheStamps(Path file, Map<String, Stamp> stamps) {
        this.file = file;
        this.stamps = stamps;
    }

    /** The stamps of the cache under {@code objects}; an unreadable file means none (everything is re-hashed). */
    static CacheStamps load(Path objects) {
        Path file = objects.resolveSibling("objects.stamps");
        Map<String, Stamp> map = new ConcurrentHashMap<>();
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            if (in.readUTF().equals(MAGIC)) {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    map.put(in.readUTF(), new Stamp(in.readLong(), in.readLong(), in.readLong(), in.readLong()));
                }
            }
        } catch (IOException | RuntimeException e) {
            map.clear(); // absent, truncated or foreign: start over
        }
        return new CacheStamps(file, map);
    }

    /** The stamp of a file now; null when it does not exist. */
    static Stamp stat(Path p) throws IOException {
        try {
            if (UNIX_VIEW) {
                Map<String, Object> a =
                        Files.readAttributes(p, "unix:size,lastModifiedTime,ctime,ino", LinkOption.NOFOLLOW_LINKS);
                return new Stamp(
                        (Long) a.get("size"),
                        nanos((FileTime) a.get("lastModifiedTime")),
                        nanos((FileTime) a.get("ctime")),
                        (Long) a.get("ino"));
            }
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Object key = a.fileKey();
            return new Stamp(a.size(), nanos(a.lastModifiedTime()), -1, key == null ? -1 : key.hashCode());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** True when {@code now} is exactly the state recorded for {@code name}. */
    boolean trusts(String name, Stamp now) {
        return now != null && now.equals(stamps.get(name));
    }

    void put(String name, Stamp now) {
        if (now != null && !now.equals(stamps.put(name, now))) {
            dirty = true;
        }
    }

    void remove(String name) {
        if (stamps.remove(name) != null) {
            dirty = true;
        }
    }

    /** Writes the stamps (temporary file, then rename); a failure only means re-hashing next time. */
    void save() {
        if (!dirty) {
            return;
        }
        Path tmp = file.resolveSibling(file.getFileName() + "."
                + ProcessHandle.current().pid() + "." + Thread.currentThread().getId() + ".tmp");
        try {
            try (DataOutputStream out =
                    new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                out.writeUTF(MAGIC);
                Map<String, Stamp> copy = Map.copyOf(stamps);
                out.writeInt(copy.size());
                for (Map.Entry<String, Stamp> e : copy.entrySet()) {
                    Stamp s = e.getValue();
                    out.writeUTF(e.getKey());
                    out.writeLong(s.size());
                    out.writeLong(s.mtime());
                    out.writeLong(s.ctime());
                    out.writeLong(s.inode());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            dirty = false;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stray temporary file in the cache is harmless
            }
        }
    }

    /** The SHA-256 (hex) of a file's bytes. */
    static String hash(Path p) throws IOException {
        MessageDigest md = Hashes.sha256();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return Hex.of(md.digest());
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    private static boolean supportsUnixView() {
        try {
            return Path.of(".").getFileSystem().supportedFileAttributeViews().contains("unix");
        } catch (RuntimeException e) {
            return false;
        }
    }
}
