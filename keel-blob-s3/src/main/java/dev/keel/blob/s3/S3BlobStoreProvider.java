package dev.keel.blob.s3;

import dev.keel.core.blob.BlobStore;
import dev.keel.core.blob.BlobStoreProvider;

import java.util.Optional;

/** {@code s3://bucket[/prefix]} locations, configured from the environment ({@link S3Options}). */
public final class S3BlobStoreProvider implements BlobStoreProvider {
    @Override
    public Optional<BlobStore> open(String location) {
        if (!location.startsWith("s3://")) {
            return Optional.empty();
        }
        return Optional.of(new S3BlobStore(S3Options.fromLocation(location, System.getenv())));
    }
}
