package dev.keel.core.data;

/**
 * Where a stored object (a small file or a chunk of a large one) lives: {@code length} bytes at
 * {@code offset} inside the pack blob {@code pack}. Objects are addressed by the SHA-256 of their
 * own bytes, which is checked whenever they are read.
 */
public record ObjectLocation(String hash, String pack, long offset, long length) {}
