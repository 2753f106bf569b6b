package dev.keel.data;

import dev.keel.core.data.DatasetVersion;

import java.nio.file.Path;

/**
 * What {@link Datasets#checkout} did: files hard-linked from the cache, written (copies, or links
 * that could not be made across file systems), and already present and left alone.
 */
public record CheckoutResult(DatasetVersion version, Path dir, int linked, int written, int unchanged, long bytesWritten) {
    public String summary() {
        return version.ref() + " -> " + dir + ": " + linked + " linked, " + written + " written, " + unchanged
                + " already present";
    }
}
