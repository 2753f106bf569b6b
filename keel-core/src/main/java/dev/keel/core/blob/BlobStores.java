package dev.keel.core.blob;

import dev.keel.core.KeelException;

import java.util.ServiceLoader;

/**
 * Opens a blob store by location through the {@link BlobStoreProvider}s on the class path:
 * a folder (or {@code file:} URI) gives a {@link LocalBlobStore}, {@code s3://bucket[/prefix]}
 * an S3-compatible bucket.
 *
 * <pre>{@code
 * BlobStore blobs = BlobStores.open(System.getenv().getOrDefault("KEEL_BLOBS", ".keel/blobs"));
 * }</pre>
 */
public final class BlobStores {
    private BlobStores() {}

    public static BlobStore open(String location) {
        if (location == null || location.isBlank()) {
            throw KeelException.invalid("blob store location is empty: give a folder or s3://bucket[/prefix]");
        }
        for (BlobStoreProvider provider :
                ServiceLoader.load(BlobStoreProvider.class, BlobStores.class.getClassLoader())) {
            var store = provider.open(location);
            if (store.isPresent()) {
                return store.get();
            }
        }
        throw KeelException.invalid("no blob store handles '" + location + "': use a folder or s3://bucket[/prefix]"
                + (location.startsWith("s3://") ? " (is keel-blob-s3 on the class path?)" : ""));
    }
}
