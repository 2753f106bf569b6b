package dev.keel.data;

import dev.keel.core.ByteSizes;

/**
 * What a {@code keel data push} or {@code pull} did.
 *
 * @param ref          the version on the receiving side ({@code name:v3})
 * @param hash         the version's content hash, the same on both sides
 * @param created      false when the receiving side already had that version
 * @param objectsSent  objects transferred (the rest the other side had)
 * @param bytesSent    bytes of those objects
 * @param objectsSkipped objects not sent because the other side had them
 */
public record TransferResult(
        String ref, String hash, boolean created, long objectsSent, long bytesSent, long objectsSkipped) {

    /** One line for people: {@code fashion-mnist:v3 (3f2a9c…): sent 120 objects (4.1 MiB), 69880 already there}. */
    public String summary(String verb) {
        String shortHash = hash.substring(hash.indexOf(':') + 1, Math.min(hash.length(), hash.indexOf(':') + 13));
        return ref + " (" + shortHash + "): " + verb + " " + objectsSent + " object" + (objectsSent == 1 ? "" : "s")
                + " (" + ByteSizes.iec(bytesSent) + "), " + objectsSkipped + " already there"
                + (created ? "" : "; the version was already there");
    }
}
