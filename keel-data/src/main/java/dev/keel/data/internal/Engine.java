package dev.keel.data.internal;

import dev.keel.core.KeelException;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetNames;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.NewVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.core.data.RunInput;
import dev.keel.core.data.StoredManifest;
import dev.keel.core.data.Visibility;
import dev.keel.data.AddOptions;
import dev.keel.data.AddResult;
import dev.keel.data.CheckoutResult;
import dev.keel.data.DatasetDetails;
import dev.keel.data.DatasetDiff;
import dev.keel.data.DatasetSummary;
import dev.keel.data.FileChange;
import dev.keel.data.FileEntry;
import dev.keel.data.GcReport;
import dev.keel.data.LinkMode;
import dev.keel.data.TransferResult;
import dev.keel.data.UsedDataset;
import dev.keel.data.VerifyReport;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dataset engine behind {@link dev.keel.data.Datasets}; internal API, use the facade.
 */
public final class Engine {
    private final DatasetStore store;
    private final LocalBlobStore blobs;
    private final Path cache;
    /** The embedded database's file, for {@link StoreStamp}; null where the store is another. */
    private final Path database;

    private final Manifests manifests;
    private final Catalog catalog;
    private final DataLock lock;
    private final int threads;
    /** Use times strictly increase within this process, so a run's inputs read back in the order they were used. */
    private final AtomicLong lastUse = new AtomicLong();

    private static final ConcurrentHashMap<Path, Object> MATERIALIZING = new ConcurrentHashMap<>();

    /**
     * @param cache    the folder for derived data ({@code .keel/cache/data})
     * @param database the embedded store's database file, whose {@link StoreStamp} lets an add of
     *                 an unchanged folder answer without opening the store; null for any other store
     */
    public Engine(DatasetStore store, LocalBlobStore blobs, Path cache, Path database) {
        this.store = store;
        this.blobs = blobs;
        this.cache = cache;
        this.database = database;
        this.manifests = new Manifests(store);
        this.catalog = new Catalog(store, manifests);
        this.lock = new DataLock(blobs.root().resolve("datasets.lock"));
        this.threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    public AddResult add(String name, Path source, AddOptions options) {
        Trace.sinceStart("add begins");
        DatasetNames.checkName(name);
        try {
            return lock.shared(() -> doAdd(name, source, options));
        } catch (NoSuchFileException e) {
            throw KeelException.invalid("cannot add " + source + ": no such file or folder");
        } catch (IOException e) {
            throw Failures.storage("adding " + source + " to dataset '" + name + "'", e);
        }
    }

    private AddResult doAdd(String name, Path source, AddOptions options) throws IOException {
        Trace.sinceStart("lock held");
        Trace trace = new Trace();
        long scanStart = System.currentTimeMillis() * 1_000_000L;
        StatCache[] loaded = new StatCache[1];
        // The cache is read while the walking threads stat, on the thread that would only wait.
        Scanner.Scan scan = Scanner.scanRecorded(source, () -> {
            loaded[0] = StatCache.load(cache, source);
            if (!loaded[0].hasSnapshot()) {
                ShaWarmup.start(); // this add hashes for sure: compile SHA-256 while it scans
            }
        });
        StatCache stat = loaded[0];
        trace.mark("scan");
        String snapshot = stat.unchangedManifest(scan);
        trace.mark("snapshot compared");
        if (snapshot != null && !setsDatasetFields(options)) {
            DatasetVersion latest = stat.head(name, snapshot, StoreStamp.of(database, scanStart));
            if (latest != null) {
                // The scan equals the one that made this version, and nothing was committed to the
                // database since an add read it as the latest: no need to open the store at all.
                trace.mark("unchanged (snapshot, store untouched)");
                return new AddResult(latest, false, 0, 0, 0, 0, 0);
            }
        }
        ShaWarmup.start();
        // Taken before the store is read: a commit after it changes the stamp the head keeps.
        String stamp = StoreStamp.of(database, System.currentTimeMillis() * 1_000_000L);
        DatasetVersion parent = store.latest(name).orElse(null);
        trace.mark("latest version read");
        List<Scanner.Found> found = scan.found();
        if (parent != null && parent.hash().equals(snapshot)) {
            // The scan equals the one that made the latest version (its objects are live), so
            // nothing needs reading, checking or storing.
            stat.saveHead(parent, stamp);
            trace.mark("unchanged (snapshot)");
            saveDatasetFields(name, options);
            return new AddResult(parent, false, 0, 0, 0, 0, 0);
        }
        Entry[] same = parent == null ? null : unchangedByStat(found, stat, parent);
        if (same != null) {
            // Every file looks as the stat cache remembers and the result is the latest version;
            // the scan differs only in order (or the cache has no snapshot): record this one.
            trace.mark("unchanged (stat cache)");
            stat.save(found, same, scanStart, parent.hash());
            saveDatasetFields(name, options);
            return new AddResult(parent, false, 0, 0, 0, 0, 0);
        }
        Scanner.checkNames(found);
        Manifest parentManifest = parent == null ? null : manifests.load(parent.hash());
        trace.mark("parent manifest");
        // Objects of the parent version are stored for sure; the full index is read only when
        // something else must be looked up (new files, or cached entries the parent lacks).
        Set<String> known = parentManifest == null ? new HashSet<>() : parentManifest.objectHexes();
        Entry[] results = new Entry[found.size()];
        boolean needIndex = false;
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < found.size(); i++) {
                Scanner.Found f = found.get(i);
                Entry e = f.type() == Entry.Type.FILE && results[i] == null ? stat.lookup(f) : null;
                if (e != null && storedAll(e, known)) {
                    results[i] = e;
                } else if (results[i] == null) {
                    needIndex = true;
                }
            }
            if (!needIndex || pass == 1) {
                break;
            }
            for (String a : store.objectHashes()) {
                known.add(Hex.strip(a));
            }
            trace.mark("object index");
        }
        boolean allCached = !needIndex;
        Adder adder = new Adder(blobs, known);
        List<ObjectLocation> objects;
        try {
            objects = adder.hashAll(found, results, threads);
        } catch (IOException | RuntimeException e) {
            adder.abort();
            throw e;
        }
        trace.mark("hash+pack");
        Manifest manifest = Manifest.of(List.of(results));
        int[] counts = compare(parentManifest, manifest);
        trace.mark("manifest+compare");
        if (parent != null && parent.hash().equals(manifest.hash()) && objects.isEmpty()) {
            if (!allCached) {
                stat.save(found, results, scanStart, manifest.hash());
            }
            trace.mark("unchanged; stat cache save");
            saveDatasetFields(name, options);
            return new AddResult(parent, false, 0, 0, 0, 0, adder.filesHashed());
        }
        StoredManifest stored = manifests.encode(manifest, parentManifest, parent == null ? null : parent.hash());
        trace.mark("manifest encode");
        String author = options.author() == null ? "" : options.author();
        // Dataset turns a missing visibility into PRIVATE, which the commit would then store:
        // keep the dataset's current one unless this add sets it.
        Visibility visibility = options.visibility() != null
                ? options.visibility()
                : store.dataset(name).map(Dataset::visibility).orElse(null);
        Dataset dataset = new Dataset(name, author, options.description(), visibility, System.currentTimeMillis());
        // A large file's own pack reached the disk while the manifest was built; the version
        // names its objects only once they are durable.
        adder.awaitDurable();
        trace.mark("own packs durable");
        DatasetStore.Committed committed = store.commitVersion(new NewVersion(
                dataset,
                stored,
                objects,
                options.message(),
                author,
                System.currentTimeMillis(),
                manifest.fileCount(),
                manifest.totalBytes(),
                parent == null ? 0 : parent.number()));
        trace.mark("commit");
        stat.save(found, results, scanStart, manifest.hash());
        trace.mark("stat cache save");
        return new AddResult(
                committed.version(),
                committed.created(),
                counts[0],
                counts[1],
                counts[2],
                adder.bytesStored(),
                adder.filesHashed());
    }

    private static boolean setsDatasetFields(AddOptions options) {
        return options.description() != null && !options.description().isEmpty() || options.visibility() != null;
    }

    /** A description or visibility given with an add that makes no version still applies. */
    private void saveDatasetFields(String name, AddOptions options) {
        boolean description =
                options.description() != null && !options.description().isEmpty();
        if (description || options.visibility() != null) {
            store.saveDataset(
                    name, options.author(), options.description(), options.visibility(), System.currentTimeMillis());
        }
    }

    /** The entries (in scan order) when every file hits the stat cache and they make the parent's manifest, else null. */
    private static Entry[] unchangedByStat(List<Scanner.Found> found, StatCache stat, DatasetVersion parent) {
        Entry[] entries = new Entry[found.size()];
        for (int i = 0; i < entries.length; i++) {
            Scanner.Found f = found.get(i);
            Entry e = switch (f.type()) {
                case FILE -> stat.lookup(f);
                case DIR -> new Entry(f.path(), Entry.Type.DIR, 0755, 0, "", null);
                case LINK -> {
                    byte[] t = f.linkTarget().getBytes(StandardCharsets.UTF_8);
                    yield new Entry(f.path(), Entry.Type.LINK, 0777, t.length, Hex.sha256(t, 0, t.length), null);
                }
            };
            if (e == null) {
                return null;
            }
            entries[i] = e;
        }
        return Manifest.of(List.of(entries)).hash().equals(parent.hash()) ? entries : null;
    }

    private static boolean storedAll(Entry e, Set<String> known) {
        if (!e.chunked()) {
            return known.contains(e.hash());
        }
        for (Entry.Chunk c : e.chunks()) {
            if (!known.contains(c.hash())) {
                return false;
            }
        }
        return true;
    }

    /** {added, removed, modified} from {@code a} to {@code b}. */
    private static int[] compare(Manifest a, Manifest b) {
        int[] counts = new int[3];
        for (FileChange c : changes(a == null ? List.of() : a.entries(), b.entries())) {
            counts[c.kind().ordinal()]++;
        }
        return counts;
    }

    /** A merge walk over two sorted entry lists. */
    static List<FileChange> changes(List<Entry> from, List<Entry> to) {
        List<FileChange> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < from.size() || j < to.size()) {
            int cmp = i == from.size()
                    ? 1
                    : j == to.size()
                            ? -1
                            : PathOrder.INSTANCE.compare(
                                    from.get(i).path(), to.get(j).path());
            if (cmp < 0) {
                Entry e = from.get(i++);
                out.add(new FileChange(e.path(), FileChange.Kind.REMOVED, e.size(), -1));
            } else if (cmp > 0) {
                Entry e = to.get(j++);
                out.add(new FileChange(e.path(), FileChange.Kind.ADDED, -1, e.size()));
            } else {
                Entry a = from.get(i++);
                Entry b = to.get(j++);
                if (!a.sameContent(b)) {
                    out.add(new FileChange(a.path(), FileChange.Kind.MODIFIED, a.size(), b.size()));
                }
            }
        }
        return out;
    }

    public DatasetVersion resolve(String ref) {
        return catalog.resolve(ref);
    }

    public List<DatasetSummary> list() {
        List<DatasetSummary> out = new ArrayList<>();
        for (Dataset d : store.datasets()) {
            List<DatasetVersion> v = store.versions(d.name());
            out.add(new DatasetSummary(d, v.size(), v.isEmpty() ? null : v.get(v.size() - 1)));
        }
        return out;
    }

    public List<DatasetVersion> log(String name) {
        DatasetNames.checkName(name);
        if (store.dataset(name).isEmpty()) {
            throw KeelException.notFound("no dataset named '" + name + "'; 'keel data ls' lists them");
        }
        List<DatasetVersion> v = new ArrayList<>(store.versions(name));
        Collections.reverse(v);
        return v;
    }

    public DatasetDetails show(String ref) {
        DatasetVersion v = resolve(ref);
        List<String> tags = new ArrayList<>();
        store.tags(v.dataset()).forEach((t, n) -> {
            if (n == v.number()) {
                tags.add(t);
            }
        });
        return new DatasetDetails(
                store.dataset(v.dataset()).orElseThrow(), v, tags, files(v), store.usesOf(v.dataset(), v.number()));
    }

    public List<FileEntry> files(DatasetVersion v) {
        return catalog.files(v);
    }

    public DatasetDiff diff(String ref1, String ref2) {
        return catalog.diff(resolve(ref1), resolve(ref2));
    }

    public CheckoutResult checkout(String ref, Path dir, LinkMode mode) {
        return checkout(resolve(ref), dir, mode, false);
    }

    private CheckoutResult checkout(DatasetVersion v, Path dir, LinkMode mode, boolean readOnlyCopies) {
        Manifest m = manifests.load(v.hash());
        try {
            return new Materializer(store, blobs, cache.resolve("objects"), threads, readOnlyCopies)
                    .checkout(v, m, dir, mode);
        } catch (IOException e) {
            throw Failures.storage("checking out " + v.ref() + " into " + dir, e);
        }
    }

    /**
     * A checkout of the version under the cache folder, kept between runs. It is checked again
     * (and any file a run edited rewritten) every time it is handed out: a run may write into it,
     * and the next run must still get the stored bytes. Copies are re-read only when their size,
     * mtime or inode moved (the folder's stat cache), links when their cache object's stamp moved.
     * Parallel runs (a sweep's agents) materialise the same version at once, so the checkout is
     * made under a lock: per folder in this JVM, and a file lock across processes.
     */
    @SuppressWarnings("try") // the lock is held for the block, not used in it
    public Path materialize(DatasetVersion v, LinkMode mode) {
        String name = mode == LinkMode.HARDLINK ? v.shortHash() + "-links" : v.shortHash();
        Path dir = cache.resolve("checkouts").resolve(v.dataset()).resolve(name);
        Path done = dir.resolveSibling(name + ".done");
        Object local = MATERIALIZING.computeIfAbsent(dir, k -> new Object());
        synchronized (local) {
            try {
                Files.createDirectories(dir.getParent());
                try (var ch = FileChannel.open(
                                dir.resolveSibling(name + ".lock"),
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE);
                        var held = ch.lock()) {
                    checkout(v, dir, mode, true);
                    if (!Files.isRegularFile(done)) {
                        Files.writeString(done, v.hash());
                    }
                }
            } catch (IOException e) {
                throw Failures.storage("materialising " + v.ref() + " in " + dir, e);
            }
        }
        return dir;
    }

    public VerifyReport verify(String refOrNull) {
        List<DatasetVersion> versions = refOrNull == null ? store.allVersions() : List.of(resolve(refOrNull));
        try {
            return new Verifier(store, blobs, manifests, threads, cache.resolve("objects")).verify(versions);
        } catch (IOException e) {
            throw Failures.storage("verifying datasets", e);
        }
    }

    public GcReport gc(boolean dryRun, Set<String> extraLive, Duration grace) {
        try {
            return lock.exclusive(
                    () -> new Collector(store, blobs, manifests, cache).collect(dryRun, extraLive, grace));
        } catch (IOException e) {
            throw Failures.storage("collecting garbage", e);
        }
    }

    public void tag(String ref, String tag) {
        DatasetNames.checkTag(tag);
        DatasetVersion v = resolve(ref);
        store.tag(v.dataset(), tag, v.number());
    }

    public boolean untag(String name, String tag) {
        return store.untag(DatasetNames.checkName(name), tag);
    }

    public DatasetVersion removeVersion(String ref) {
        DatasetVersion v = resolve(ref);
        store.deleteVersion(v.dataset(), v.number());
        return v;
    }

    public boolean removeDataset(String name) {
        DatasetNames.checkName(name);
        if (!store.deleteDataset(name)) {
            throw KeelException.notFound("no dataset named '" + name + "'; 'keel data ls' lists them");
        }
        return true;
    }

    public UsedDataset use(String runId, String ref, LinkMode mode) {
        DatasetVersion v = resolve(ref);
        Path path = materialize(v, mode);
        record(runId, v);
        return new UsedDataset(v, path);
    }

    public RunInput recordUse(String runId, String ref) {
        return record(runId, resolve(ref));
    }

    private RunInput record(String runId, DatasetVersion v) {
        if (runId == null || runId.isBlank()) {
            throw KeelException.invalid("a run id is needed to record a dataset input");
        }
        long usedAt = lastUse.updateAndGet(last -> Math.max(System.currentTimeMillis(), last + 1));
        RunInput in = new RunInput(runId, v.dataset(), v.number(), v.hash(), usedAt);
        store.recordUse(in);
        return in;
    }

    public List<RunInput> inputsOf(String runId) {
        return store.inputsOf(runId);
    }

    public List<RunInput> usesOf(String ref) {
        DatasetVersion v = resolve(ref);
        return store.usesOf(v.dataset(), v.number());
    }

    /** Sends the version {@code ref} names to a server (only the objects it lacks), then records it there. */
    public TransferResult push(String ref, RemoteCalls remote) {
        DatasetVersion v = resolve(ref);
        try {
            return new Pusher(store, blobs, catalog, 4).push(v, remote);
        } catch (IOException e) {
            throw Failures.storage("pushing " + v.ref(), e);
        }
    }

    /** Fetches the version {@code ref} names on a server (only the objects missing here), then records it here. */
    public TransferResult pull(String dataset, String ref, RemoteCalls remote) {
        DatasetNames.checkName(dataset);
        try {
            return lock.shared(() -> new Puller(store, blobs, catalog, 4).pull(dataset, ref, remote));
        } catch (IOException e) {
            throw Failures.storage("pulling " + dataset + ":" + ref, e);
        }
    }

    public Map<String, Integer> tags(String name) {
        return store.tags(DatasetNames.checkName(name));
    }
}
