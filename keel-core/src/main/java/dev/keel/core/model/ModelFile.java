package dev.keel.core.model;

/**
 * One file of a model version: where it goes when the version is pulled and the content
 * address of its bytes in the blob store.
 *
 * @param path forward-slash path within the version, e.g. {@code model.ckpt}
 * @param hash {@code sha256:<64 hex>}
 */
public record ModelFile(String path, String hash, long size) {}
