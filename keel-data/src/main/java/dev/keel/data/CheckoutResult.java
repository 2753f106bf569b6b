package dev.keel.data;

import dev.keel.core.data.DatasetVersion;

import java.nio.file.Path;

/**
 * What {@link Datasets#checkout} did: files hard-linked from the cache, written (copies, or links
 * that could not be made across file systems), already present and left alone, cache objects
 * found changed (an earlier hard-linked checkout was edited in place) and rewritten from the packs,
 * and files made as copy-on-write clones of cache objects (independent files, no bytes written).
 */
public record CheckoutResult(
        DatasetVersion version,
        Path dir,
        int linked,
        int written,
        int unchanged,
        long bytesWritten,
        int repaired,
        int cloned) {
    public String summary() {
        return version.ref() + " -> " + dir + ": " + linked + " linked, " + (cloned > 0 ? cloned + " cloned, " : "")
                + written + " written, " + unchanged + " already present"
                + (repaired > 0 ? ", " + repaired + " changed cache object(s) rewritten from the packs" : "");
    }
}
