package dev.keel.core.data;

import java.util.Objects;

/**
 * One immutable version of a dataset. Its identity is {@code hash}, the SHA-256 of the
 * version's canonical manifest; {@code number} is the friendly name ({@code v3}).
 *
 * @param parent     the version number this one was made from, 0 for the first
 * @param totalBytes the sum of the file sizes (not what was newly stored)
 */
public record DatasetVersion(
        String dataset,
        int number,
        String hash,
        String message,
        String author,
        long createdAt,
        long fileCount,
        long totalBytes,
        int parent) {
    public DatasetVersion {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(hash, "hash");
        message = message == null ? "" : message;
        author = author == null ? "" : author;
    }

    /** {@code name:v3}. */
    public String ref() {
        return dataset + ":v" + number;
    }

    /** The first 12 hex digits of the hash, as shown to people and accepted in {@code name@prefix}. */
    public String shortHash() {
        int start = hash.indexOf(':') + 1;
        return hash.substring(start, Math.min(hash.length(), start + 12));
    }
}
