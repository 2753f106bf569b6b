package dev.keel.core.data;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Dataset metadata: datasets, versions, tags, manifests by hash, the index of objects inside
 * pack blobs, and run inputs (lineage). The bytes themselves live in the blob store. Safe for
 * many threads and, for the embedded store, many processes at once.
 *
 * <p>The one write that makes a version exist is {@link #commitVersion}: it records the manifest,
 * the new objects and the version row in one transaction, so a version is whole or absent.
 */
public interface DatasetStore extends AutoCloseable {

    Optional<Dataset> dataset(String name);

    List<Dataset> datasets();

    /** Versions of a dataset, oldest first; empty when none (or no such dataset). */
    List<DatasetVersion> versions(String dataset);

    Optional<DatasetVersion> version(String dataset, int number);

    Optional<DatasetVersion> latest(String dataset);

    /** Versions whose hash hex starts with {@code hexPrefix}. */
    List<DatasetVersion> versionsByHashPrefix(String dataset, String hexPrefix);

    /** Every version of every dataset (for gc and verify). */
    List<DatasetVersion> allVersions();

    /**
     * Records a version atomically with the next free number. When the dataset's latest version
     * already has the manifest's hash, records nothing and returns that version with
     * {@code created = false}: adding identical content twice makes no new version.
     */
    Committed commitVersion(NewVersion version);

    /** The outcome of {@link #commitVersion}. */
    record Committed(DatasetVersion version, boolean created) {}

    /** Creates the dataset when new, or updates its description/visibility (nulls keep the old value). */
    Dataset saveDataset(String name, String owner, String description, Visibility visibility, long now);

    /** Tags (tag → version number) of a dataset. */
    Map<String, Integer> tags(String dataset);

    /** Points {@code tag} at a version, moving it when it pointed elsewhere. */
    void tag(String dataset, String tag, int number);

    boolean untag(String dataset, String tag);

    /** Deletes a version, its tags and its lineage rows. Blobs stay until a gc. */
    boolean deleteVersion(String dataset, int number);

    /** Deletes a dataset with all its versions, tags and lineage rows. */
    boolean deleteDataset(String name);

    Optional<StoredManifest> manifest(String hash);

    /** Hashes of every stored manifest. */
    Set<String> manifestHashes();

    void deleteManifests(Collection<String> hashes);

    /** Locations of those objects that are indexed; objects not in the map are unknown. */
    Map<String, ObjectLocation> locate(Collection<String> objectHashes);

    /** Every indexed object hash (for deduplication before writing). */
    Set<String> objectHashes();

    /** Every pack that holds indexed objects. */
    Set<String> packs();

    /** Every object indexed in these packs. */
    List<ObjectLocation> objectsInPacks(Collection<String> packs);

    /** Forgets the objects of these packs (their blobs are deleted by the caller). */
    void deletePacks(Collection<String> packs);

    /**
     * Of {@code objectHashes}, those recorded as belonging to {@code dataset}: objects a client
     * proved it holds by uploading their bytes for that dataset, and objects of its versions
     * committed through a server. A server serves and accepts only objects in a dataset's scope,
     * so knowing a hash grants nothing. Stores that keep no scope answer an empty set (callers
     * then fall back to the dataset's manifests).
     */
    default Set<String> inScope(String dataset, Collection<String> objectHashes) {
        return Set.of();
    }

    /**
     * Indexes objects whose bytes were just written to packs outside a version commit (a server
     * receiving an upload, a client pulling) and records them as belonging to {@code dataset}
     * (see {@link #inScope}), in one transaction. Already-indexed objects keep their location.
     */
    void addObjects(String dataset, Collection<ObjectLocation> objects);

    void recordUse(RunInput input);

    /** The dataset versions a run used, in the order it used them. */
    List<RunInput> inputsOf(String runId);

    /** The runs that used a dataset (all versions when {@code number <= 0}), newest first. */
    List<RunInput> usesOf(String dataset, int number);

    @Override
    void close();
}
