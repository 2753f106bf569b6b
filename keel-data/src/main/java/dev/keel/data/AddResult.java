package dev.keel.data;

import dev.keel.core.ByteSizes;
import dev.keel.core.data.DatasetVersion;

/**
 * What {@link Datasets#add} did. When the content equals the latest version, {@code created} is
 * false and {@code version} is that latest version.
 *
 * @param bytesStored  bytes newly written to the blob store (after deduplication)
 * @param filesHashed  files read and hashed (the rest were recognised by the stat cache)
 */
public record AddResult(
        DatasetVersion version,
        boolean created,
        int added,
        int removed,
        int modified,
        long bytesStored,
        long filesHashed) {

    /** One line for people, e.g. {@code fashion-mnist:v2  +700 -0 ~12  3.1 MB new}. */
    public String summary() {
        if (!created) {
            return version.ref() + " unchanged: the content equals the latest version, no new version made";
        }
        return version.ref() + " (" + version.shortHash() + ")  +" + added + " -" + removed + " ~" + modified + "  "
                + ByteSizes.iec(bytesStored) + " newly stored";
    }
}
