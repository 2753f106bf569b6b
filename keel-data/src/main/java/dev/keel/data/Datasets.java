package dev.keel.data;

import dev.keel.core.KeelHome;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetRef;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.RunInput;
import dev.keel.data.internal.Engine;
import dev.keel.data.internal.LazyDatasetStore;
import dev.keel.data.internal.Trace;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Versioned datasets: immutable, content-addressed versions of a file or folder, with diff,
 * checkout, lineage, deduplication and integrity checks. The engine behind {@code keel data …}
 * and {@code run.useDataset(…)}.
 *
 * <pre>{@code
 * try (Datasets data = Datasets.open(KeelHome.resolve())) {
 *     AddResult r = data.add("fashion-mnist", Path.of("export"), AddOptions.defaults().message("first export"));
 *     System.out.println(r.summary());                    // fashion-mnist:v1 (3f2a9c…)  +70000 -0 ~0 …
 *     data.checkout("fashion-mnist:latest", Path.of("work/data"));  // independent copies
 * }
 * }</pre>
 *
 * <p>References: {@code name} or {@code name:latest}, {@code name:v3}, {@code name:TAG},
 * {@code name@<hash prefix>}. Errors are {@link dev.keel.core.KeelException}s whose messages name
 * the problem and the fix. Safe for use by many threads; several processes may add at once.
 */
public final class Datasets implements AutoCloseable {
    private static final Duration DEFAULT_GRACE = Duration.ofHours(1);
    private final DatasetStore store;
    private final Engine engine;
    private final boolean ownsStore;

    private Datasets(DatasetStore store, LocalBlobStore blobs, Path cache, Path database, boolean ownsStore) {
        this.store = store;
        this.engine = new Engine(store, blobs, cache, database);
        this.ownsStore = ownsStore;
    }

    /**
     * Datasets in a Keel folder: metadata in its database, bytes in its blob folder. The database
     * is opened on first use (an add of an unchanged folder whose stat cache vouches for the
     * latest version never needs it), so its errors surface there.
     */
    public static Datasets open(KeelHome home) {
        home.ensureExists();
        String location = home.storeLocation();
        DatasetStore store = new LazyDatasetStore(() -> {
            Trace.sinceStart("store open begins");
            DatasetStore opened = DatasetStores.open(location);
            Trace.sinceStart("store opened");
            return opened;
        });
        Path database = location.equals("sqlite:" + home.database()) ? home.database() : null;
        return new Datasets(
                store, new LocalBlobStore(home.blobs()), home.cache().resolve("data"), database, true);
    }

    /** Datasets on a given store (not closed by {@link #close}) and blob folder; {@code cache} holds derived data. */
    public static Datasets using(DatasetStore store, LocalBlobStore blobs, Path cache) {
        return new Datasets(store, blobs, cache, null, false);
    }

    /**
     * Adds a file or folder as the dataset's next version (creating the dataset when new). Makes
     * no version when the content equals the latest one. Atomic: the version exists whole or not.
     */
    public AddResult add(String name, Path source, AddOptions options) {
        return engine.add(name, source, options == null ? AddOptions.defaults() : options);
    }

    /** Every dataset with its version count and latest version. */
    public List<DatasetSummary> list() {
        return engine.list();
    }

    /** The versions of a dataset, newest first. */
    public List<DatasetVersion> log(String name) {
        return engine.log(name);
    }

    /** A version with its tags, files and the runs that used it. */
    public DatasetDetails show(String ref) {
        return engine.show(ref);
    }

    /** Added, removed and modified paths from {@code ref1} to {@code ref2}. */
    public DatasetDiff diff(String ref1, String ref2) {
        return engine.diff(ref1, ref2);
    }

    /**
     * Materialises a version in {@code dir} as independent, writable copies: editing one changes
     * nothing stored. Copy-on-write clones of the local cache where the file system makes them
     * (see {@link LinkMode#COPY}), else written from the stored data. Writes only what is missing
     * or different; refuses damaged data and unsafe paths, naming the file.
     */
    public CheckoutResult checkout(String ref, Path dir) {
        return engine.checkout(ref, dir, LinkMode.COPY);
    }

    /**
     * {@link #checkout(String, Path)} with an explicit {@link LinkMode}: {@link LinkMode#REFLINK}
     * refuses unless every file can be a clone; {@link LinkMode#HARDLINK} gives read-only hard
     * links to the object cache, with the risk {@link LinkMode#HARDLINK_RISK} states.
     */
    public CheckoutResult checkout(String ref, Path dir, LinkMode mode) {
        return engine.checkout(ref, dir, mode == null ? LinkMode.COPY : mode);
    }

    /**
     * Rehashes every object of one version ({@code ref}) or of all versions ({@code null}), and
     * every checkout-cache object they use; a changed cache object is removed (the next checkout
     * writes it again from the packs) and reported.
     */
    public VerifyReport verify(String ref) {
        return engine.verify(ref);
    }

    /**
     * Removes blobs that no dataset version needs and that are not in {@code extraLive} (the
     * addresses of run files, artifacts and checkpoints the caller keeps). Unreferenced blobs
     * younger than an hour are kept. With {@code dryRun} only reports.
     */
    public GcReport gc(boolean dryRun, Set<String> extraLive) {
        return engine.gc(dryRun, extraLive, DEFAULT_GRACE);
    }

    /** {@link #gc(boolean, Set)} with an explicit grace period for unreferenced blobs. */
    public GcReport gc(boolean dryRun, Set<String> extraLive, Duration grace) {
        return engine.gc(dryRun, extraLive, grace);
    }

    /** Points tag {@code tag} (e.g. {@code prod}) at the version {@code ref}; moves it if it existed. */
    public void tag(String ref, String tag) {
        engine.tag(ref, tag);
    }

    public boolean untag(String name, String tag) {
        return engine.untag(name, tag);
    }

    /** The tags of a dataset: tag → version number. */
    public Map<String, Integer> tags(String name) {
        return engine.tags(name);
    }

    /** Removes one version (its bytes go at the next gc); returns it. */
    public DatasetVersion removeVersion(String ref) {
        return engine.removeVersion(ref);
    }

    /** Removes a dataset with all its versions. */
    public void removeDataset(String name) {
        engine.removeDataset(name);
    }

    /** The exact version a reference names. */
    public DatasetVersion resolve(String ref) {
        return engine.resolve(ref);
    }

    /**
     * A local, read-only copy of the version under the Keel cache, kept between calls and checked
     * (edited files rewritten) every time it is handed out; what {@code run.useDataset} returns.
     */
    public Path materialize(String ref) {
        return engine.materialize(engine.resolve(ref), LinkMode.COPY);
    }

    /**
     * For {@code run.useDataset(ref)}: resolves {@code ref} once, materialises that exact version
     * (see {@link #materialize}) and records it as an input of run {@code runId}, so the path and
     * the lineage always agree even when a new version is added meanwhile.
     */
    public UsedDataset use(String runId, String ref) {
        return engine.use(runId, ref, LinkMode.COPY);
    }

    /** {@link #use(String, String)} with an explicit {@link LinkMode} for the materialised files. */
    public UsedDataset use(String runId, String ref, LinkMode mode) {
        return engine.use(runId, ref, mode == null ? LinkMode.COPY : mode);
    }

    /** Records that run {@code runId} used the version {@code ref} names (lineage). */
    public RunInput recordUse(String runId, String ref) {
        return engine.recordUse(runId, ref);
    }

    /** The dataset versions a run used. */
    public List<RunInput> inputsOf(String runId) {
        return engine.inputsOf(runId);
    }

    /** The runs that used the version {@code ref} names, newest first. */
    public List<RunInput> usesOf(String ref) {
        return engine.usesOf(ref);
    }

    /**
     * Sends the version {@code ref} names to a Keel server: only the objects the server lacks for
     * the dataset, in resumable parts, then the version itself. Idempotent: pushing again sends
     * nothing and reports the version as already there.
     */
    public TransferResult push(String ref, DataRemote remote) {
        return engine.push(ref, remote.calls());
    }

    /**
     * Fetches a version from a Keel server: {@code ref} is {@code name}, {@code name:v3},
     * {@code name:TAG} or {@code name@hash} as the server knows it. Only objects missing here
     * are downloaded, each verified; the version gets this folder's next number (its hash is the
     * same everywhere). Idempotent and resumable.
     */
    public TransferResult pull(String ref, DataRemote remote) {
        DatasetRef r = DatasetRef.parse(ref);
        String at = switch (r.kind()) {
            case LATEST -> "latest";
            case NUMBER -> "v" + r.value();
            case TAG -> r.value();
            case HASH -> "@" + r.value();
        };
        return engine.pull(r.dataset(), at, remote.calls());
    }

    @Override
    public void close() {
        if (ownsStore) {
            store.close();
        }
    }
}
