package dev.keel.core.blob;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Folders and {@code file:} URIs. Any other {@code scheme://} is left to other providers, so a
 * mistyped {@code s3:/bucket} is not silently taken for a local folder named {@code s3:}.
 */
public final class LocalBlobStoreProvider implements BlobStoreProvider {
    private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:");

    @Override
    public Optional<BlobStore> open(String location) {
        if (location.startsWith("file:")) {
            return Optional.of(new LocalBlobStore(Path.of(URI.create(location))));
        }
        if (URI_SCHEME.matcher(location).find()) {
            return Optional.empty();
        }
        return Optional.of(new LocalBlobStore(Path.of(location)));
    }
}
