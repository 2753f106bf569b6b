package dev.keel.data.internal;

import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.Visibility;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server calls that push and pull need, one method per route (implemented over HTTP by
 * {@link dev.keel.data.DataRemote}). Internal API.
 */
public interface RemoteCalls {

    /** The dataset, or empty when the server has none by that name (or hides it from the caller). */
    Optional<Dataset> dataset(String name) throws IOException;

    /** Creates the dataset (the caller becomes its owner) or updates its description and visibility. */
    Dataset saveDataset(String name, String description, Visibility visibility) throws IOException;

    /** The version {@code ref} ({@code v3}, {@code latest}, a tag, {@code @hexprefix}) names on the server. */
    DatasetVersion version(String dataset, String ref) throws IOException;

    /** The version's whole manifest (deflated canonical text). */
    byte[] manifest(String dataset, String ref) throws IOException;

    /**
     * Of {@code addresses}, those the server lacks for this dataset; {@code wantsPackHash}: the
     * server stores uploads faster when told their hash first (an S3 bucket: no copy).
     */
    Missing missing(String dataset, List<String> addresses) throws IOException;

    /** The answer of {@link #missing}. */
    record Missing(List<String> hashes, boolean wantsPackHash) {}

    /**
     * Sends one upload in the {@link Wire} pack format, {@code length} bytes from a fresh stream;
     * {@code packHash} is the SHA-256 address of the whole body, or null.
     */
    void upload(String dataset, long length, String packHash, Supplier<InputStream> body) throws IOException;

    /** Records the version on the server from its whole manifest. */
    DatasetStore.Committed commit(String dataset, byte[] manifest, String message, String author, long createdAt)
            throws IOException;

    /** A stream of {@link Wire} download frames holding these objects. */
    InputStream objects(String dataset, List<String> addresses) throws IOException;
}
