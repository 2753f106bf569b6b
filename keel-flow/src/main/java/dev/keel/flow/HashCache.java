package dev.keel.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Remembers the content hash of the files {@code keel repro} reads, by their attributes: a file
 * whose size, modification time, status-change time and inode are those recorded is not read
 * again. Kept in the project's {@code .keel/flow-hashes}; a missing or unreadable one is an empty
 * cache, never an error.
 *
 * <p>Why these attributes: writing a file, or setting its modification time back (as {@code touch
 * -d} or an unpacker does), changes its status-change time, which no program can set; replacing a
 * file by another (an editor's save, a move) changes its inode. A file whose times are within
 * {@link #SETTLE_NANOS} of when it was hashed is hashed again the next time: a write in the same
 * tick of the file system's clock as the recorded one would leave every attribute as it was.
 * Where the file system has no status-change time or inode (no {@code unix} attribute view), the
 * modification time and the file key stand in for them, and such a rewrite within the same
 * size and modification time would go unseen.
 */
public final class HashCache {
    /** The file, under the project's {@code .keel} folder. */
    public static final String FILE = "flow-hashes";

    /** A file changed less than this long before it was hashed is hashed again next time. */
    static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final String HEADER = "keel-flow-hashes 1";

    /** What a file looked like when it was hashed, and its hash. */
    record Entry(long size, long modified, long changed, long inode, long hashedAt, String hash) {}

    private final Path file;
    private final LongSupplier clock;
    private final Map<String, Entry> recorded;
    private final Map<String, Entry> seen = new HashMap<>();
    private int filesHashed;

    private HashCache(Path file, LongSupplier clock, Map<String, Entry> recorded) {
        this.file = file;
        this.clock = clock;
        this.recorded = recorded;
    }

    /** A cache that remembers nothing beyond this object, and never writes. */
    public static HashCache none() {
        return new HashCache(null, HashCache::wallClockNanos, new HashMap<>());
    }

    /**
     * The cache of the project in {@code root}: read from {@code root/.keel/flow-hashes} when the
     * project has a {@code .keel} folder, else one that is never written.
     */
    public static HashCache of(Path root) {
        return of(root, HashCache::wallClockNanos);
    }

    /** As {@link #of(Path)}, with the wall clock (nanoseconds since the epoch) given; for tests. */
    static HashCache of(Path root, LongSupplier clock) {
        Path dir = root.resolve(".keel");
        if (!Files.isDirectory(dir)) {
            return new HashCache(null, clock, new HashMap<>());
        }
        Path file = dir.resolve(FILE);
        return new HashCache(file, clock, read(file));
    }

    /** How many files this cache read and hashed, rather than trusting a recorded hash. */
    public int filesHashed() {
        return filesHashed;
    }

    /** The hash of the regular file {@code path}: the recorded one when it is still the same file, else read. */
    String hash(Path path, Hasher hasher) throws IOException {
        String key = path.toAbsolutePath().normalize().toString();
        Entry now = attributes(path);
        Entry was = seen.containsKey(key) ? seen.get(key) : recorded.get(key);
        if (was != null && trusted(was, now)) {
            seen.put(key, was);
            return was.hash();
        }
        long hashedAt = clock.getAsLong();
        String hash = hasher.hash(path);
        filesHashed++;
        seen.put(key, new Entry(now.size(), now.modified(), now.changed(), now.inode(), hashedAt, hash));
        return hash;
    }

    /** Reads and hashes a file. */
    interface Hasher {
        String hash(Path file) throws IOException;
    }

    private static boolean trusted(Entry was, Entry now) {
        return was.size() == now.size()
                && was.modified() == now.modified()
                && was.changed() == now.changed()
                && was.inode() == now.inode()
                && was.hashedAt() - Math.max(was.modified(), was.changed()) >= SETTLE_NANOS;
    }

    /**
     * Writes what this cache saw, with the recorded entries of files it did not look at that
     * still exist (another stage selection reads them next time). Nothing when the project has no
     * {@code .keel} folder; a failure to write loses only the cache.
     */
    public void save() {
        if (file == null || seen.isEmpty()) {
            return;
        }
        Map<String, Entry> all = new HashMap<>();
        recorded.forEach((k, v) -> {
            if (!seen.containsKey(k) && Files.isRegularFile(Path.of(k))) {
                all.put(k, v);
            }
        });
        all.putAll(seen);
        List<String> keys = new ArrayList<>(all.keySet());
        keys.sort(null);
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (String k : keys) {
            Entry e = all.get(k);
            text.append(e.hash())
                    .append('\t')
                    .append(e.size())
                    .append('\t')
                    .append(e.modified())
                    .append('\t')
                    .append(e.changed())
                    .append('\t')
                    .append(e.inode())
                    .append('\t')
                    .append(e.hashedAt())
                    .append('\t')
                    .append(k)
                    .append('\n');
        }
        Path tmp = file.resolveSibling(FILE + ".tmp." + ProcessHandle.current().pid());
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the cache is only a cache: the next repro hashes again
            }
        }
    }

    private static Map<String, Entry> read(Path file) {
        Map<String, Entry> out = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return out;
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            return out;
        }
        try {
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t", 7);
                if (f.length != 7 || !f[0].startsWith("sha256:")) {
                    return new HashMap<>();
                }
                out.put(
                        f[6],
                        new Entry(
                                Long.parseLong(f[1]),
                                Long.parseLong(f[2]),
                                Long.parseLong(f[3]),
                                Long.parseLong(f[4]),
                                Long.parseLong(f[5]),
                                f[0]));
            }
        } catch (NumberFormatException e) {
            return new HashMap<>();
        }
        return out;
    }

    /** Size, modification and status-change times (ns), inode; the hash fields unset. */
    private static Entry attributes(Path path) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:size,lastModifiedTime,ctime,ino");
            long modified = nanos((FileTime) a.get("lastModifiedTime"));
            return new Entry(
                    (Long) a.get("size"), modified, nanos((FileTime) a.get("ctime")), (Long) a.get("ino"), 0, null);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, new LinkOption[0]);
            long modified = nanos(a.lastModifiedTime());
            return new Entry(a.size(), modified, modified, Objects.hashCode(a.fileKey()), 0, null);
        }
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    private static long wallClockNanos() {
        return TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    }
}
