package dev.keel.data.internal;

import dev.keel.core.KeelException;

import java.io.IOException;

/** Turns I/O failures into errors that say what failed, what state the store is in, and the fix. */
final class Failures {
    private Failures() {}

    static KeelException storage(String doing, IOException e) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("No space left") || msg.contains("Disk quota") || msg.contains("File too large")) {
            return new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "the disk is full (" + msg + ") while "
                            + doing + ": no version was recorded and the store is unchanged; free space and try again"
                            + " ('keel data gc' removes leftovers)",
                    e);
        }
        return new KeelException(KeelException.ErrorCode.STORAGE_FAILURE, "failed " + doing + ": " + e, e);
    }
}
