package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;
import dev.keel.core.data.DatasetVersion;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Remembers, per added folder, each file's (size, mtime, inode, mode) and the entry it hashed
 * to, so re-adding an unchanged folder reads no file. One compact binary file per folder under
 * {@code .keel/cache/data/stat}: derived data, rebuilt by the next add when deleted or damaged.
 *
 * <p>A file changed within the same clock tick as the add that saw it would keep its mtime;
 * such "racy" entries (mtime within 100 ms of the scan, two seconds on file systems with
 * whole-second mtimes) are not remembered. Like git's index, a file rewritten with the same
 * size whose mtime is then set back (and whose inode stays) is not noticed.
 *
 * <p>The file starts with a snapshot: the {@link ScanRecord} of the whole scan and the manifest
 * hash it produced, written only when every file of that scan was remembered. A scan with the
 * same record would find every file in the cache with the same entries, so it has that manifest:
 * an unchanged folder is recognised from its scan alone, without reading the entries (they are
 * read on the first {@link #lookup}).
 *
 * <p>A small head file beside it names the version an add last found to be the dataset's latest
 * for that snapshot, with the database's {@link StoreStamp} taken before it was read; while the
 * stamp holds, nothing was committed since, so the add need not open the store to know it.
 */
final class StatCache {
    private static final int MAGIC = 0x4B53_4303;
    private static final int HEAD_MAGIC = 0x4B53_4801;
    /** Racy window where mtimes have sub-second precision (ext4, xfs, btrfs, apfs). */
    private static final long RACY_FINE_NANOS = 100_000_000L;
    /** Racy window where they do not (FAT, some network file systems): their clock ticks in seconds. */
    private static final long RACY_COARSE_NANOS = 2_000_000_000L;

    private static final HexFormat HEX = HexFormat.of();
    private final Path file;
    /** The snapshot's scan record, its entry count and manifest hash; null when the file holds none. */
    private final byte[] scanRecord;

    private final long scanCount;

    private final String manifestHash;
    private volatile Map<String, Cached> entries;

    record Cached(long size, long mtimeNanos, String key, Entry entry) {}

    private StatCache(Path file, byte[] scanRecord, long scanCount, String manifestHash) {
        this.file = file;
        this.scanRecord = scanRecord;
        this.scanCount = scanCount;
        this.manifestHash = manifestHash;
    }

    /** The cache of {@code source}'s folder; reads only the snapshot, entries wait for the first lookup. */
    static StatCache load(Path cacheDir, Path source) {
        Path file = cacheDir.resolve("stat").resolve(id(source) + ".bin");
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() == MAGIC && in.readBoolean()) {
                String hash = in.readUTF();
                long count = in.readLong();
                int length = in.readInt();
                if (length >= 0 && length <= Files.size(file)) {
                    byte[] record = new byte[length];
                    in.readFully(record);
                    return new StatCache(file, record, count, hash);
                }
            }
        } catch (IOException | RuntimeException e) {
            // none yet, or damaged: a damaged cache only costs rehashing
        }
        return new StatCache(file, null, 0, null);
    }

    /** The name of a folder's cache files: a hash of its absolute path. */
    static String id(Path source) {
        return HEX.formatHex(Hashes.sha256()
                        .digest(source.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8)))
                .substring(0, 32);
    }

    /** Whether the file holds a snapshot, which a scan can match without any per-file lookup. */
    boolean hasSnapshot() {
        return manifestHash != null;
    }

    /**
     * The manifest hash the last add of this folder produced when {@code found} is exactly what
     * that add scanned (same paths in the same order, same stat tuples); null otherwise.
     */
    String unchangedManifest(List<Scanner.Found> found) {
        return unchangedManifest(Scanner.Scan.of(found));
    }

    /** {@link #unchangedManifest(List)} for a scan with its record. */
    String unchangedManifest(Scanner.Scan scan) {
        if (manifestHash == null) {
            return null;
        }
        return scan.count() == scanCount && scan.recordEquals(scanRecord) ? manifestHash : null;
    }

    /**
     * The version the last add of this folder found to be dataset {@code name}'s latest, when
     * the scan matched the snapshot ({@code manifestHash}, from {@link #unchangedManifest}) and
     * the database's {@link StoreStamp} is still {@code stamp}: nothing has been committed since
     * that add read the version, so it is still the latest. Null otherwise.
     */
    DatasetVersion head(String name, String manifestHash, String stamp) {
        if (stamp == null || manifestHash == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(headFile()), 512))) {
            if (in.readInt() != HEAD_MAGIC
                    || !in.readUTF().equals(stamp)
                    || !in.readUTF().equals(name)) {
                return null;
            }
            DatasetVersion v = new DatasetVersion(
                    name,
                    in.readInt(),
                    in.readUTF(),
                    in.readUTF(),
                    in.readUTF(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readInt());
            return v.hash().equals(manifestHash) ? v : null;
        } catch (IOException | RuntimeException e) {
            return null; // none, or damaged: the database is read
        }
    }

    /**
     * Remembers that with the database at {@code stamp} (taken before {@code latest} was read)
     * the dataset's latest version was {@code latest}; nothing when the stamp is null or the file
     * says so already. Failures are ignored: only a cache.
     */
    void saveHead(DatasetVersion latest, String stamp) {
        if (stamp == null || latest.equals(head(latest.dataset(), latest.hash(), stamp))) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "head-", ".tmp");
            try (DataOutputStream out =
                    new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 512))) {
                out.writeInt(HEAD_MAGIC);
                out.writeUTF(stamp);
                out.writeUTF(latest.dataset());
                out.writeInt(latest.number());
                out.writeUTF(latest.hash());
                out.writeUTF(latest.message());
                out.writeUTF(latest.author());
                out.writeLong(latest.createdAt());
                out.writeLong(latest.fileCount());
                out.writeLong(latest.totalBytes());
                out.writeInt(latest.parent());
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, headFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // Only a cache: the next add reads the database.
        }
    }

    private Path headFile() {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.length() - ".bin".length()) + ".head");
    }

    private Map<String, Cached> entries() {
        Map<String, Cached> map = entries;
        if (map == null) {
            synchronized (this) {
                map = entries;
                if (map == null) {
                    map = readEntries();
                    entries = map;
                }
            }
        }
        return map;
    }

    /** The entries; another add may have replaced the file since {@link #load}, which a lookup's stat check makes harmless. */
    private Map<String, Cached> readEntries() {
        Map<String, Cached> map = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return map;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                return map;
            }
            if (in.readBoolean()) {
                in.readUTF();
                in.readLong();
                in.skipNBytes(in.readInt());
            }
            int n = in.readInt();
            map = new HashMap<>(n * 4 / 3 + 1);
            for (int i = 0; i < n; i++) {
                String path = in.readUTF();
                long size = in.readLong();
                long mtime = in.readLong();
                String key = in.readUTF();
                boolean exec = in.readBoolean();
                String hash = readHex(in);
                int chunks = in.readInt();
                List<Entry.Chunk> list = new ArrayList<>(chunks);
                for (int c = 0; c < chunks; c++) {
                    int len = in.readInt();
                    list.add(new Entry.Chunk(readHex(in), len));
                }
                map.put(path, new Cached(size, mtime, key, Entry.file(path, exec, size, hash, list)));
            }
            return map;
        } catch (IOException | RuntimeException e) {
            return new HashMap<>(); // a damaged cache only costs rehashing
        }
    }

    /** The remembered entry when the file looks exactly as it did, else null. */
    Entry lookup(Scanner.Found f) {
        Cached c = entries().get(f.path());
        if (c == null
                || c.size != f.size()
                || c.mtimeNanos != f.mtimeNanos()
                || !c.key.equals(f.key())
                || c.entry.executable() != f.executable()
                || f.key().isEmpty()) {
            return null;
        }
        return c.entry;
    }

    /** {@link #save(List, Entry[], long, String)} without a snapshot (a checkout's copies). */
    void save(List<Scanner.Found> found, Entry[] results, long scanStartNanos) {
        save(found, results, scanStartNanos, null);
    }

    /**
     * Replaces the cache with what this add saw; failures are ignored (it is only a cache). With
     * {@code manifestHash} (what {@code results} make), the snapshot is written too when every
     * file of the scan is remembered: a racy one keeps the next add on the per-file path.
     */
    void save(List<Scanner.Found> found, Entry[] results, long scanStartNanos, String manifestHash) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "stat-", ".tmp");
            try (DataOutputStream out =
                    new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                int count = 0;
                boolean complete = manifestHash != null;
                for (int i = 0; i < found.size(); i++) {
                    if (cacheable(found.get(i), results[i], scanStartNanos)) {
                        count++;
                    } else if (found.get(i).type() == Entry.Type.FILE) {
                        complete = false;
                    }
                }
                out.writeInt(MAGIC);
                out.writeBoolean(complete);
                if (complete) {
                    ScanRecord record = ScanRecord.of(found);
                    out.writeUTF(manifestHash);
                    out.writeLong(found.size());
                    out.writeInt(record.length());
                    out.write(record.bytes(), 0, record.length());
                }
                out.writeInt(count);
                for (int i = 0; i < found.size(); i++) {
                    Scanner.Found f = found.get(i);
                    Entry e = results[i];
                    if (!cacheable(f, e, scanStartNanos)) {
                        continue;
                    }
                    out.writeUTF(f.path());
                    out.writeLong(f.size());
                    out.writeLong(f.mtimeNanos());
                    out.writeUTF(f.key());
                    out.writeBoolean(e.executable());
                    out.write(HEX.parseHex(e.hash()));
                    out.writeInt(e.chunks().size());
                    for (Entry.Chunk c : e.chunks()) {
                        out.writeInt(c.length());
                        out.write(HEX.parseHex(c.hash()));
                    }
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // Only a cache: the next add rehashes.
        }
    }

    private static boolean cacheable(Scanner.Found f, Entry e, long scanStartNanos) {
        return e != null
                && f.type() == Entry.Type.FILE
                && !f.key().isEmpty()
                && f.mtimeNanos() < scanStartNanos - racyWindow(f.mtimeNanos())
                && f.path().length() < 16_000;
    }

    /** A whole-second mtime suggests a coarse clock, so a longer window (a rare fine one only costs a rehash). */
    static long racyWindow(long mtimeNanos) {
        return mtimeNanos % 1_000_000_000L == 0 ? RACY_COARSE_NANOS : RACY_FINE_NANOS;
    }

    private static String readHex(DataInputStream in) throws IOException {
        byte[] b = new byte[32];
        in.readFully(b);
        return HEX.formatHex(b);
    }
}
