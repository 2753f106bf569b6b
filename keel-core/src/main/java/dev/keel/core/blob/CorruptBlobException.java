package dev.keel.core.blob;

import dev.keel.core.KeelException;

/** A stored blob whose bytes no longer match its address. */
public final class CorruptBlobException extends KeelException {
    private final String hash;

    public CorruptBlobException(String hash, String actual) {
        super(
                ErrorCode.CORRUPT_DATA,
                "blob " + hash + " is damaged: its content hashes to " + actual
                        + "; run 'keel data verify' to list what it breaks");
        this.hash = hash;
    }

    public String hash() {
        return hash;
    }
}
