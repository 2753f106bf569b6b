package dev.keel.data.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** fsync of folders, so a rename survives a crash before the metadata that points at it is committed. */
final class Durability {
    private Durability() {}

    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms cannot open folders; the file itself was fsynced.
        }
    }
}
