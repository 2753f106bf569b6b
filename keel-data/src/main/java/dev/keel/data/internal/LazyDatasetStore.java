package dev.keel.data.internal;

import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.NewVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.core.data.RunInput;
import dev.keel.core.data.StoredManifest;
import dev.keel.core.data.Visibility;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A dataset store opened on its first use. Opening the embedded database (loading the SQLite
 * driver and its native library, checking the schema) is a large share of a short command in a
 * fresh JVM, and an add of an unchanged folder whose stat cache can vouch for the latest version
 * needs nothing from it. Errors of the open surface at that first use.
 */
public final class LazyDatasetStore implements DatasetStore {
    private final Supplier<DatasetStore> opener;
    private volatile DatasetStore store;

    public LazyDatasetStore(Supplier<DatasetStore> opener) {
        this.opener = opener;
    }

    private DatasetStore store() {
        DatasetStore s = store;
        if (s == null) {
            synchronized (this) {
                s = store;
                if (s == null) {
                    s = opener.get();
                    store = s;
                }
            }
        }
        return s;
    }

    @Override
    public Optional<Dataset> dataset(String name) {
        return store().dataset(name);
    }

    @Override
    public List<Dataset> datasets() {
        return store().datasets();
    }

    @Override
    public List<DatasetVersion> versions(String dataset) {
        return store().versions(dataset);
    }

    @Override
    public Optional<DatasetVersion> version(String dataset, int number) {
        return store().version(dataset, number);
    }

    @Override
    public Optional<DatasetVersion> latest(String dataset) {
        return store().latest(dataset);
    }

    @Override
    public List<DatasetVersion> versionsByHashPrefix(String dataset, String hexPrefix) {
        return store().versionsByHashPrefix(dataset, hexPrefix);
    }

    @Override
    public List<DatasetVersion> allVersions() {
        return store().allVersions();
    }

    @Override
    public Committed commitVersion(NewVersion version) {
        return store().commitVersion(version);
    }

    @Override
    public Dataset saveDataset(String name, String owner, String description, Visibility visibility, long now) {
        return store().saveDataset(name, owner, description, visibility, now);
    }

    @Override
    public Map<String, Integer> tags(String dataset) {
        return store().tags(dataset);
    }

    @Override
    public void tag(String dataset, String tag, int number) {
        store().tag(dataset, tag, number);
    }

    @Override
    public boolean untag(String dataset, String tag) {
        return store().untag(dataset, tag);
    }

    @Override
    public boolean deleteVersion(String dataset, int number) {
        return store().deleteVersion(dataset, number);
    }

    @Override
    public boolean deleteDataset(String name) {
        return store().deleteDataset(name);
    }

    @Override
    public Optional<StoredManifest> manifest(String hash) {
        return store().manifest(hash);
    }

    @Override
    public Set<String> manifestHashes() {
        return store().manifestHashes();
    }

    @Override
    public void deleteManifests(Collection<String> hashes) {
        store().deleteManifests(hashes);
    }

    @Override
    public Map<String, ObjectLocation> locate(Collection<String> objectHashes) {
        return store().locate(objectHashes);
    }

    @Override
    public Set<String> objectHashes() {
        return store().objectHashes();
    }

    @Override
    public Set<String> packs() {
        return store().packs();
    }

    @Override
    public List<ObjectLocation> objectsInPacks(Collection<String> packs) {
        return store().objectsInPacks(packs);
    }

    @Override
    public void deletePacks(Collection<String> packs) {
        store().deletePacks(packs);
    }

    @Override
    public Set<String> inScope(String dataset, Collection<String> objectHashes) {
        return store().inScope(dataset, objectHashes);
    }

    @Override
    public void addObjects(String dataset, Collection<ObjectLocation> objects) {
        store().addObjects(dataset, objects);
    }

    @Override
    public void recordUse(RunInput input) {
        store().recordUse(input);
    }

    @Override
    public List<RunInput> inputsOf(String runId) {
        return store().inputsOf(runId);
    }

    @Override
    public List<RunInput> usesOf(String dataset, int number) {
        return store().usesOf(dataset, number);
    }

    /** Closes the store when it was opened; opens nothing. */
    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
        }
    }
}
