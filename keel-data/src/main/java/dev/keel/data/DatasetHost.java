package dev.keel.data;

import dev.keel.core.blob.BlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.data.internal.Catalog;
import dev.keel.data.internal.DatasetService;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;

/**
 * Datasets as a server hosts them, over any dataset store and blob store (a folder or an S3
 * bucket): reads answered from metadata (references, file lists, diffs, manifests) and the
 * server's side of {@code keel data push} and {@code pull}. Every object is scoped to a dataset:
 * a client may reference and download only objects whose bytes it uploaded for that dataset or
 * that one of its versions holds, so knowing a hash grants nothing. Bytes are verified on
 * arrival and again when sent.
 *
 * <pre>{@code
 * DatasetHost host = new DatasetHost(datasetStore, blobStore);
 * DatasetVersion v = host.resolve("fashion-mnist:latest");
 * List<FileEntry> files = host.files(v);
 * }</pre>
 *
 * <p>Errors are {@link dev.keel.core.KeelException}s (not found, invalid). Safe for use by many threads.
 */
public final class DatasetHost {
    /** The most object addresses one request may name. */
    public static final int MAX_ADDRESSES = DatasetService.MAX_ADDRESSES;

    private final DatasetService service;
    private final Catalog catalog;

    public DatasetHost(DatasetStore store, BlobStore blobs) {
        this.service = new DatasetService(store, blobs);
        this.catalog = service.catalog();
    }

    /** What an upload stored: the pack's address, how many objects and bytes it held. */
    public record Received(String pack, int objects, long bytes) {}

    /** The version a reference ({@code name:v3}, {@code name:latest}, {@code name@<hash prefix>}, a tag) names. */
    public DatasetVersion resolve(String ref) {
        return catalog.resolve(ref);
    }

    /** The version's entries as users see them, in path order. */
    public List<FileEntry> files(DatasetVersion v) {
        return catalog.files(v);
    }

    /** What changed from {@code a} to {@code b}. */
    public DatasetDiff diff(DatasetVersion a, DatasetVersion b) {
        return catalog.diff(a, b);
    }

    /** The version's whole manifest as sent over the wire. */
    public byte[] manifestBytes(DatasetVersion v) {
        return catalog.manifestBytes(v);
    }

    /** Whether uploads should carry their hash (it saves a pass unless the blobs are a local folder). */
    public boolean wantsPackHash() {
        return service.wantsPackHash();
    }

    /** Of {@code addresses}, those the dataset lacks: the client must upload their bytes. */
    public List<String> missing(String dataset, List<String> addresses) {
        return service.missing(dataset, addresses);
    }

    /**
     * Stores one upload as a pack blob, checking every object against its hash as it streams
     * through, then indexes the objects for {@code dataset}. A damaged upload records nothing.
     */
    public Received receive(String dataset, InputStream body, String packHash) throws IOException {
        DatasetService.Received r = service.receive(dataset, body, packHash);
        return new Received(r.pack(), r.objects(), r.bytes());
    }

    /**
     * Records a version from its whole manifest once the dataset holds every object it needs;
     * a manifest equal to an existing version's returns that version.
     */
    public DatasetStore.Committed commit(
            String dataset, String owner, byte[] manifestBytes, String message, String author, long createdAt) {
        return service.commit(dataset, owner, manifestBytes, message, author, createdAt);
    }

    /** Where each object lives, after checking that all belong to the dataset (not found otherwise). */
    public List<ObjectLocation> locateInScope(String dataset, Collection<String> addresses) {
        return service.locateInScope(dataset, addresses);
    }

    /** The exact length of what {@link #send} writes for these objects. */
    public static long sendLength(List<ObjectLocation> objects) {
        return DatasetService.sendLength(objects);
    }

    /** Writes objects located with {@link #locateInScope} as download frames, each verified first. */
    public void send(List<ObjectLocation> objects, OutputStream out) throws IOException {
        service.send(objects, out);
    }
}
