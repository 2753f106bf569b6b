package dev.keel.cli.access;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Deletes a run from the store and its folder (event log, lock) from the Keel home. */
public final class RunRemoval {
    private RunRemoval() {}

    /**
     * Deletes the store's rows first: once they are gone the run is gone for every reader, and a
     * folder left behind by a failure here is only disk space, named in the error.
     */
    public static void remove(Store store, KeelHome home, String runId) {
        store.deleteRun(runId);
        Path dir = home.runDir(runId);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "run " + runId
                            + " was deleted from the store but its folder " + dir + " could not be removed (" + e
                            + "): delete that folder by hand",
                    e);
        }
    }
}
