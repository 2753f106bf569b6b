package dev.keel.core.data;

/**
 * A manifest as kept by a {@link DatasetStore}: {@code hash} is the SHA-256 of the canonical
 * manifest text (the version's identity); {@code body} is its stored encoding, either the whole
 * manifest or a delta against {@code base} (null for a whole one). The encoding belongs to
 * keel-data; stores only keep the bytes.
 */
public record StoredManifest(String hash, String base, byte[] body) {}
