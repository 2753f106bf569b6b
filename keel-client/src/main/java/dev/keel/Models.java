package dev.keel;

import java.nio.file.Path;

/**
 * The model registry of a Keel folder, obtained from {@link Keel#models()}: hands registered
 * versions back as files. Versions are made by {@link Run#registerModel} or
 * {@code keel model register}.
 *
 * <pre>{@code
 * String version = Keel.models().pull("apparel-classifier@production", Path.of("weights"));
 * }</pre>
 */
public interface Models {

    /**
     * Writes the files of the version {@code ref} names ({@code NAME@ALIAS}, {@code NAME:vN} or
     * {@code NAME} for the latest) into {@code dir}, each verified against its content hash, and
     * returns that version as {@code NAME:vN}.
     *
     * @throws dev.keel.core.KeelException when the ref is malformed or names nothing (the message
     *         says which part and how to list what exists), or a stored file is damaged
     */
    String pull(String ref, Path dir);
}
