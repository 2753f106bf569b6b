package dev.keel.core;

/**
 * A file kept with a run, stored by content in the blob folder.
 *
 * @param name   the file's path within the run (forward slashes), unique per run
 * @param hash   the blob's content address, {@code sha256:<64 hex>}
 * @param kind   {@code file}, {@code artifact}, {@code checkpoint}, {@code diff}… free text for readers
 */
public record RunFile(String name, String hash, long size, String kind, long createdAt) {}
