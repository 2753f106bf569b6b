package dev.keel.data.internal;

import dev.keel.core.KeelException;
import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.data.CheckoutResult;
import dev.keel.data.LinkMode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a version into a folder. By default ({@link LinkMode#COPY}) each file is an independent
 * file, so editing it can change nothing stored: a copy-on-write clone of its object in the
 * checkout cache ({@code .keel/cache/data/objects}) where the folder's file system clones
 * ({@link Reflink}, probed once per checkout), else written from the packs. A file written from
 * the packs on such a file system is cloned into the cache, so the next checkout clones it. With
 * {@link LinkMode#HARDLINK} each file is a hard link to a read-only object in the checkout cache
 * ({@code .keel/cache/data/objects}), so a second checkout of the same data costs only links;
 * a cache object whose stamp ({@link CacheStamps}) moved is re-hashed, and rewritten from the
 * packs when its bytes changed, before it is linked again. Files already present with the right
 * content are left alone. Every object is verified as it is read, and paths are checked before
 * anything is written: nothing lands outside the target folder.
 */
final class Materializer {
    private final DatasetStore store;
    private final LocalBlobStore blobs;
    private final Path objects;
    private final int threads;
    /** Where a file whose object the index does not know sorts: first (its read then fails clearly). */
    private static final ObjectLocation UNLOCATED = new ObjectLocation("", "", 0, 0);
    /** The smallest file the default mode clones (see {@link #clones}). */
    static final long CLONE_MIN_BYTES = 128 << 10;

    private static final Set<StandardOpenOption> CREATE_WRITE =
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    private final AtomicInteger linked = new AtomicInteger();
    private final AtomicInteger cloned = new AtomicInteger();
    private final AtomicInteger written = new AtomicInteger();
    private final AtomicInteger unchanged = new AtomicInteger();
    private final AtomicInteger repaired = new AtomicInteger();
    /** Copies are made read-only (a hint for non-root users; it protects nothing from root). */
    private final boolean readOnlyCopies;

    private CacheStamps stamps;
    private LinkMode mode;
    /** Copies are clones of the cache objects: the probe said yes, and no file was refused since. */
    private volatile boolean cloning;

    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger statHits = new AtomicInteger();
    private Map<String, ObjectLocation> locations;
    private Set<String> needed;
    /** True when the target folder was empty: no file can be in the way, so none is looked up. */
    private boolean fresh;
    /** Names ({@code <2 hex><rest>}) in the object cache, listed once for large checkouts; null: stat each. */
    private Set<String> cachedNames;
    /** For {@code --copy}: what the files this folder got looked like, so unchanged ones are not re-read. */
    private StatCache copies;

    Materializer(DatasetStore store, LocalBlobStore blobs, Path objects, int threads, boolean readOnlyCopies) {
        this.store = store;
        this.blobs = blobs;
        this.objects = objects;
        this.threads = threads;
        this.readOnlyCopies = readOnlyCopies;
    }

    CheckoutResult checkout(DatasetVersion v, Manifest m, Path target, LinkMode mode) throws IOException {
        this.mode = mode;
        boolean copy = mode != LinkMode.HARDLINK;
        for (Entry e : m.entries()) {
            PathRules.checkStored(e.path(), "to check out " + v.ref());
        }
        Trace trace = new Trace();
        Path root = target.toAbsolutePath().normalize();
        fresh = isEmptyOrAbsent(root);
        copies = StatCache.load(objects.getParent(), root);
        Files.createDirectories(root);
        Path real = root.toRealPath();
        makeFolders(m, root, real);
        cloning = copy && clonesInto(root);
        trace.mark("clone probe");
        if (!copy || cloning) {
            stamps = CacheStamps.load(objects);
            boolean list = m.entries().size() > 2000;
            cachedNames = list ? new HashSet<>() : null;
            for (int i = 0; i < 256; i++) {
                String name = String.format("%02x", i);
                Path d = Files.createDirectories(objects.resolve(name));
                if (list) {
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                        ds.forEach(p -> cachedNames.add(name + p.getFileName()));
                    }
                }
            }
        }
        Set<String> needed = new HashSet<>();
        for (Entry e : m.entries()) {
            if (e.type() == Entry.Type.LINK) {
                needed.add(Hex.address(e.hash()));
            } else if (e.type() == Entry.Type.FILE) {
                if (e.chunked()) {
                    e.chunks().forEach(c -> needed.add(Hex.address(c.hash())));
                } else {
                    needed.add(Hex.address(e.hash()));
                }
            }
        }
        trace.mark("folders, cache listing");
        this.needed = needed;
        // In pack order, so objects are read sequentially (PackReader reads ahead in large windows).
        List<Entry> files = new ArrayList<>(
                m.entries().stream().filter(e -> e.type() != Entry.Type.DIR).toList());
        if (fresh) {
            files = inPackOrder(files);
            trace.mark("objects located, in pack order");
        }
        int n = Math.max(1, Math.min(threads, files.size() / 256 + 1));
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            List<Entry> slice = files.subList(files.size() * s / n, files.size() * (s + 1) / n);
            tasks.add(() -> {
                try (PackReader reader = new PackReader(blobs)) {
                    for (Entry e : slice) {
                        place(v, e, root, real, copy, reader);
                    }
                }
                return null;
            });
        }
        Parallel.run("keel-data-checkout", n, tasks);
        trace.mark("place files (" + statHits.get() + " known by the stat cache)");
        if (stamps != null) {
            stamps.save();
            trace.mark("save cache stamps");
        }
        if (copy && !(written.get() + cloned.get() == 0 && statHits.get() == unchanged.get())) {
            rememberCopies(files, root);
            trace.mark("remember copies");
        }
        return new CheckoutResult(
                v, root, linked.get(), written.get(), unchanged.get(), bytes.get(), repaired.get(), cloned.get());
    }

    /**
     * Whether copies in {@code root} can be clones of cache objects: they must be on one file
     * system, and it must clone. {@link LinkMode#REFLINK} refuses the checkout when not.
     */
    private boolean clonesInto(Path root) {
        String refusal;
        try {
            Files.createDirectories(objects);
            refusal = Reflink.refusal(objects, root);
        } catch (IOException e) {
            refusal = "the checkout cache " + objects + " cannot be created (" + e.getMessage() + ")";
        }
        if (refusal != null && mode == LinkMode.REFLINK) {
            throw KeelException.invalid("cannot check out with --link reflink: " + refusal + "; check out into a"
                    + " folder on the same btrfs, XFS or bcachefs file system as the Keel home, or use --link copy");
        }
        return refusal == null;
    }

    /**
     * Where the version's objects are, looked up on first need: a checkout that finds every file
     * in place (stat cache, object cache) never queries the index.
     */
    private synchronized Map<String, ObjectLocation> locations() {
        if (locations == null) {
            locations = store.locate(needed);
        }
        return locations;
    }

    /**
     * The files ordered by where their first object lies (pack, then offset). Each file's place is
     * looked up once, and packs are compared by rank rather than by name: a large version sorts
     * tens of thousands of files that share a few packs.
     */
    private List<Entry> inPackOrder(List<Entry> files) {
        Map<String, ObjectLocation> where = locations();
        ObjectLocation[] first = new ObjectLocation[files.size()];
        Map<String, Integer> ranks = new HashMap<>();
        for (int i = 0; i < first.length; i++) {
            Entry e = files.get(i);
            String hex = e.chunked() ? e.chunks().get(0).hash() : e.hash();
            first[i] = where.getOrDefault(Hex.address(hex), UNLOCATED);
            ranks.putIfAbsent(first[i].pack(), 0);
        }
        List<String> packs = new ArrayList<>(ranks.keySet());
        Collections.sort(packs);
        for (int r = 0; r < packs.size(); r++) {
            ranks.put(packs.get(r), r);
        }
        record Placed(Entry entry, int pack, long offset) {}
        List<Placed> placed = new ArrayList<>(first.length);
        for (int i = 0; i < first.length; i++) {
            placed.add(new Placed(files.get(i), ranks.get(first[i].pack()), first[i].offset()));
        }
        placed.sort(Comparator.comparingInt(Placed::pack).thenComparingLong(Placed::offset));
        List<Entry> sorted = new ArrayList<>(placed.size());
        for (Placed p : placed) {
            sorted.add(p.entry());
        }
        return sorted;
    }

    /** True when the stat cache of this folder says the file is still the one a checkout wrote. */
    private boolean unchangedByStat(Entry e, Path target) {
        try {
            BasicFileAttributes a = Scanner.attributes(target);
            boolean exec =
                    a instanceof PosixFileAttributes p && p.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
            Entry c = copies.lookup(found(e, target, a, exec));
            boolean hit = c != null && c.hash().equals(e.hash()) && c.executable() == e.executable();
            if (hit) {
                statHits.incrementAndGet();
            }
            return hit;
        } catch (IOException ex) {
            return false;
        }
    }

    /** What a scan of the folder would find at a copy's place, named by its entry's path. */
    private static Scanner.Found found(Entry e, Path target, BasicFileAttributes a, boolean executable) {
        Object key = a.fileKey();
        return new Scanner.Found(
                e.path(),
                null,
                target,
                Entry.Type.FILE,
                a.size(),
                Scanner.mtimeNanos(a),
                key == null ? "" : key.toString(),
                executable,
                null);
    }

    /**
     * Records (size, mtime, inode) of the copies, so the next checkout into this folder reads none
     * of them. The files are looked at on the checkout's threads, in slices, after every file is
     * written: the time taken before the first look is what tells the stat cache which of them
     * are too recent to be trusted.
     */
    private void rememberCopies(List<Entry> files, Path root) throws IOException {
        long now = System.currentTimeMillis() * 1_000_000L;
        List<Entry> regular =
                files.stream().filter(e -> e.type() == Entry.Type.FILE).toList();
        int n = Math.max(1, Math.min(threads, regular.size() / 1024 + 1));
        record Looked(List<Scanner.Found> seen, List<Entry> entries) {}
        List<Callable<Looked>> tasks = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            List<Entry> slice = regular.subList(regular.size() * s / n, regular.size() * (s + 1) / n);
            tasks.add(() -> {
                Looked looked = new Looked(new ArrayList<>(slice.size()), new ArrayList<>(slice.size()));
                for (Entry e : slice) {
                    Path target = root.resolve(e.path());
                    try {
                        looked.seen().add(found(e, target, Scanner.attributes(target), e.executable()));
                        looked.entries().add(e);
                    } catch (IOException ex) {
                        // vanished meanwhile: simply not remembered
                    }
                }
                return looked;
            });
        }
        List<Scanner.Found> seen = new ArrayList<>(regular.size());
        List<Entry> entries = new ArrayList<>(regular.size());
        for (Looked looked : Parallel.run("keel-data-checkout", n, tasks)) {
            seen.addAll(looked.seen());
            entries.addAll(looked.entries());
        }
        copies.save(seen, entries.toArray(new Entry[0]), now);
    }

    /** Creates every folder the version needs and checks none resolves outside the target (a planted link). */
    private static void makeFolders(Manifest m, Path root, Path real) throws IOException {
        Set<Path> dirs = new HashSet<>();
        for (Entry e : m.entries()) {
            Path p = root.resolve(e.path());
            dirs.add(e.type() == Entry.Type.DIR ? p : p.getParent());
        }
        for (Path d : dirs) {
            Files.createDirectories(d);
            if (!d.toRealPath().startsWith(real)) {
                throw KeelException.invalid("refusing to check out into " + root + ": the folder " + d
                        + " resolves outside it (through a link); remove the link first");
            }
        }
    }

    private void place(DatasetVersion v, Entry e, Path root, Path real, boolean copy, PackReader reader)
            throws IOException {
        Path target = root.resolve(e.path());
        if (!target.normalize().startsWith(root)) {
            throw new IllegalStateException("unreachable: checked path escapes " + root);
        }
        if (e.type() == Entry.Type.LINK) {
            String linkTarget = new String(read(v, e, reader, Hex.address(e.hash())), StandardCharsets.UTF_8);
            Path resolved = target.getParent().resolve(linkTarget).normalize();
            if (Path.of(linkTarget).isAbsolute() || !resolved.startsWith(root)) {
                throw new KeelException(
                        KeelException.ErrorCode.CORRUPT_DATA,
                        "refusing to check out " + v.ref() + ": the link '" + e.path()
                                + "' points outside the target folder (" + linkTarget + ")");
            }
            if (Files.isSymbolicLink(target)
                    && Files.readSymbolicLink(target).toString().equals(linkTarget)) {
                unchanged.incrementAndGet();
                return;
            }
            removeExisting(target, attrs(target));
            Files.createSymbolicLink(target, Path.of(linkTarget));
            written.incrementAndGet();
            return;
        }
        if (copy) {
            BasicFileAttributes existing = fresh ? null : attrs(target);
            if (existing == null) {
                int cloneMode = readOnlyCopies ? (e.executable() ? 0555 : 0444) : e.executable() ? 0755 : 0666;
                if (clones(e) && cloneFromCache(e, target, cloneMode)) {
                    return;
                }
                writeNew(
                        v,
                        e,
                        target,
                        reader,
                        readOnlyCopies
                                ? (e.executable() ? "r-xr-xr-x" : "r--r--r--")
                                : e.executable() ? "rwxr-xr-x" : null);
                if (clones(e)) {
                    cacheByClone(e, target);
                }
            } else if (unchangedByStat(e, target) || sameFile(target, e)) {
                unchanged.incrementAndGet();
                return;
            } else if (replace(v, e, target, reader)) {
                return;
            }
            written.incrementAndGet();
            bytes.addAndGet(e.size());
            return;
        }
        String dirName = e.hash().substring(0, 2);
        String fileName = e.hash().substring(2) + (e.executable() ? ".x" : "");
        String name = dirName + fileName;
        Path cached = objects.resolve(dirName).resolve(fileName);
        BasicFileAttributes existing = fresh ? null : attrs(target);
        boolean inCache = cachedNames == null || cachedNames.contains(name);
        CacheStamps.Stamp stamp = inCache ? trustedStamp(name, cached, e) : null;
        if (stamp != null) {
            if (existing != null) {
                BasicFileAttributes ca = attrs(cached);
                if (ca != null && ca.fileKey() != null && ca.fileKey().equals(existing.fileKey())) {
                    unchanged.incrementAndGet();
                    return;
                }
            }
            removeExisting(target, existing);
            existing = null;
            try {
                Files.createLink(target, cached);
                restamp(name, cached, stamp);
                linked.incrementAndGet();
                return;
            } catch (NoSuchFileException ex) {
                // The cache entry went away (cache cleared meanwhile): write it below.
            } catch (FileSystemException | UnsupportedOperationException ex) {
                // Another file system (or no hard links): an independent copy, still read-only.
                Files.copy(cached, target);
                written.incrementAndGet();
                bytes.addAndGet(e.size());
                return;
            }
        }
        // Not cached yet: write the file in place, then link it into the cache. One write per
        // file; a half-written file (killed checkout) is never linked, so the next checkout redoes it.
        removeExisting(target, existing);
        writeNew(v, e, target, reader, e.executable() ? "r-xr-xr-x" : "r--r--r--");
        try {
            Files.createLink(cached, target);
            stamps.put(name, CacheStamps.stat(cached));
        } catch (FileAlreadyExistsException ex) {
            // Another checkout cached the same content meanwhile, or a changed entry is in the way:
            // replace the latter.
            if (trustedStamp(name, cached, e) == null) {
                Files.deleteIfExists(cached);
                Files.createLink(cached, target);
                stamps.put(name, CacheStamps.stat(cached));
            }
        } catch (FileSystemException | UnsupportedOperationException ex) {
            // Cache on another file system: the next checkout writes again.
        }
        written.incrementAndGet();
        bytes.addAndGet(e.size());
    }

    /**
     * The stamp of cache object {@code name} when its bytes are right: trusted from the recorded
     * stamp, else re-hashed. A changed object is removed (links made earlier keep their bytes) and
     * null returned, so the caller writes it again from the packs; null also when it is absent.
     */
    private CacheStamps.Stamp trustedStamp(String name, Path cached, Entry e) throws IOException {
        CacheStamps.Stamp now = CacheStamps.stat(cached);
        if (now == null || stamps.trusts(name, now)) {
            return now;
        }
        if (now.size() == e.size() && CacheStamps.hash(cached).equals(e.hash())) {
            stamps.put(name, now);
            return now;
        }
        Files.deleteIfExists(cached);
        stamps.remove(name);
        repaired.incrementAndGet();
        return null;
    }

    /**
     * Whether {@code e} is placed as a clone: every file with {@link LinkMode#REFLINK}; by default
     * only files of {@link #CLONE_MIN_BYTES} or more, since a clone is a file system transaction
     * (and cloning a file just written first forces its pages to disk), which costs more than
     * writing a small file's bytes into the page cache.
     */
    private boolean clones(Entry e) {
        return cloning && (mode == LinkMode.REFLINK || e.size() >= CLONE_MIN_BYTES);
    }

    /** True when {@code dest} was made a clone of the trusted cache object of {@code e}. */
    private boolean cloneFromCache(Entry e, Path dest, int perms) throws IOException {
        String name = cacheName(e);
        if (cachedNames != null && !cachedNames.contains(name)) {
            return false;
        }
        Path cached = objects.resolve(name.substring(0, 2)).resolve(name.substring(2));
        if (trustedStamp(name, cached, e) == null) {
            return false;
        }
        int errno;
        try {
            errno = Reflink.cloneNew(cached, dest, perms);
        } catch (NoSuchFileException ex) {
            return false; // the cache was cleared meanwhile
        }
        if (errno == 0) {
            cloned.incrementAndGet();
            return true;
        }
        refused(errno, dest);
        return false;
    }

    /**
     * Makes the cache object of {@code e} a clone of {@code copy} (just written from the packs):
     * no bytes are written, and the next checkout clones it instead of copying. A temporary name
     * first, so no checkout ever sees a half-made object.
     */
    private void cacheByClone(Entry e, Path copy) throws IOException {
        String name = cacheName(e);
        Path cached = objects.resolve(name.substring(0, 2)).resolve(name.substring(2));
        Path tmp = cached.resolveSibling("." + cached.getFileName() + "."
                + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId() + ".tmp");
        int perms = e.executable() ? 0555 : 0444;
        int errno;
        try {
            errno = Reflink.cloneNew(copy, tmp, perms);
        } catch (FileAlreadyExistsException ex) {
            Files.delete(tmp); // left by a killed checkout of this process id
            errno = Reflink.cloneNew(copy, tmp, perms);
        }
        if (errno != 0) {
            refused(errno, copy);
            return;
        }
        try {
            Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            stamps.put(name, CacheStamps.stat(cached));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A clone was refused: stop trying when no file here would fare better; an error when clones were required. */
    private void refused(int errno, Path file) {
        if (mode == LinkMode.REFLINK) {
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "cannot check out with --link reflink: " + "the file system refused to clone " + file + " ("
                            + Reflink.describe(errno) + "); use --link copy");
        }
        if (Reflink.cannotClone(errno)) {
            cloning = false;
        }
    }

    /** The object's name in the cache: {@code <hash>}, or {@code <hash>.x} for executables (a link shares the mode). */
    private static String cacheName(Entry e) {
        return e.hash() + (e.executable() ? ".x" : "");
    }

    /** A new link moves the object's ctime: record the new stamp, unless its bytes moved too meanwhile. */
    private void restamp(String name, Path cached, CacheStamps.Stamp before) throws IOException {
        CacheStamps.Stamp after = CacheStamps.stat(cached);
        if (after != null
                && after.size() == before.size()
                && after.mtime() == before.mtime()
                && after.inode() == before.inode()) {
            stamps.put(name, after);
        }
    }

    /** Writes a new file created with {@code perms} (null: the umask default), one open and no chmod. */
    private void writeNew(DatasetVersion v, Entry e, Path target, PackReader reader, String perms) throws IOException {
        try {
            writeContent(v, e, target, reader, perms);
        } catch (IOException | RuntimeException ex) {
            Files.deleteIfExists(target);
            throw ex;
        }
    }

    /** Replaces a file that differs from {@code e}; true when the new one is a clone (nothing written). */
    private boolean replace(DatasetVersion v, Entry e, Path target, PackReader reader) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".keel-tmp");
        Files.deleteIfExists(tmp);
        try {
            boolean byClone = clones(e) && cloneFromCache(e, tmp, e.executable() ? 0755 : 0644);
            if (!byClone) {
                writeContent(v, e, tmp, reader, e.executable() ? "rwxr-xr-x" : "rw-r--r--");
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return byClone;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void writeContent(DatasetVersion v, Entry e, Path file, PackReader reader, String perms)
            throws IOException {
        FileAttribute<?>[] attrs = perms == null
                ? new FileAttribute<?>[0]
                : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms))};
        if (!e.chunked()) {
            byte[] data = read(v, e, reader, Hex.address(e.hash()));
            try (FileChannel ch = FileChannel.open(file, CREATE_WRITE, attrs)) {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            return;
        }
        try (OutputStream out = Channels.newOutputStream(FileChannel.open(file, CREATE_WRITE, attrs))) {
            if (!e.chunked()) {
                out.write(read(v, e, reader, Hex.address(e.hash())));
                return;
            }
            MessageDigest whole = Hashes.sha256();
            for (Entry.Chunk c : e.chunks()) {
                byte[] data = read(v, e, reader, Hex.address(c.hash()));
                whole.update(data);
                out.write(data);
            }
            if (!Hex.of(whole.digest()).equals(e.hash())) {
                throw damaged(v, e, "its chunks do not add up to the file's hash");
            }
        }
    }

    private byte[] read(DatasetVersion v, Entry e, PackReader reader, String object) throws IOException {
        ObjectLocation loc = locations().get(object);
        if (loc == null) {
            throw damaged(v, e, "object " + object + " is not in the store");
        }
        try {
            return reader.read(loc);
        } catch (PackReader.DamagedObjectException ex) {
            throw damaged(v, e, ex.getMessage());
        }
    }

    private static KeelException damaged(DatasetVersion v, Entry e, String why) {
        return new KeelException(
                KeelException.ErrorCode.CORRUPT_DATA,
                "refusing to check out '" + e.path() + "' of " + v.ref() + ": its stored bytes are damaged (" + why
                        + "); run 'keel data verify' to see what else is affected");
    }

    private static boolean sameFile(Path target, Entry e) throws IOException {
        BasicFileAttributes a = attrs(target);
        if (a == null || !a.isRegularFile() || a.size() != e.size()) {
            return false;
        }
        MessageDigest md = Hashes.sha256();
        try (var in = Files.newInputStream(target)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return Hex.of(md.digest()).equals(e.hash());
    }

    private static void removeExisting(Path target, BasicFileAttributes a) throws IOException {
        if (a == null) {
            return;
        }
        if (a.isDirectory()) {
            throw KeelException.invalid("cannot check out " + target + ": a folder is in the way of a file");
        }
        Files.delete(target);
    }

    private static boolean isEmptyOrAbsent(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            return !ds.iterator().hasNext();
        }
    }

    private static BasicFileAttributes attrs(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }
}
