package dev.keel.core.blob;

import java.util.Optional;

/**
 * Opens a {@link BlobStore} for a location ({@code /data/blobs}, {@code s3://bucket/prefix}…).
 * Implementations are found with {@link java.util.ServiceLoader}, so keel-core never depends on
 * a particular back end: an {@code s3://} location works once keel-blob-s3 is on the class path.
 */
public interface BlobStoreProvider {

    /** A store for {@code location}, or empty when this provider does not handle it. */
    Optional<BlobStore> open(String location);
}
