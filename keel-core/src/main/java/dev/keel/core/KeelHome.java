package dev.keel.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The embedded store's folder ({@code .keel}) and its layout:
 * <pre>
 * .keel/keel.db              SQLite: runs, metrics, console, files, datasets
 * .keel/runs/&lt;id&gt;/events.log  the run's append-only event log (source of truth)
 * .keel/runs/&lt;id&gt;/lock        held by the live process; free means the process is gone
 * .keel/blobs/sha256/ab/…     content-addressed blobs (files, artifacts, checkpoints, datasets)
 * .keel/cache/               derived data that may be deleted at any time
 * </pre>
 * Found by {@link #resolve}: {@code KEEL_HOME} if set; else the nearest {@code .keel} folder, or
 * folder holding {@code keel.yaml}, walking up from the working directory; else {@code ~/.keel}.
 */
public final class KeelHome {
    private final Path root;

    public KeelHome(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public static KeelHome resolve() {
        return resolve(Path.of("").toAbsolutePath(), System.getenv(), System.getProperty("user.home"));
    }

    static KeelHome resolve(Path workingDir, Map<String, String> env, String userHome) {
        String override = env.get("KEEL_HOME");
        if (override != null && !override.isBlank()) {
            return new KeelHome(Path.of(override));
        }
        for (Path dir = workingDir.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".keel")) || Files.isRegularFile(dir.resolve("keel.yaml"))) {
                return new KeelHome(dir.resolve(".keel"));
            }
        }
        return new KeelHome(Path.of(userHome, ".keel"));
    }

    public Path root() {
        return root;
    }

    public Path database() {
        return root.resolve("keel.db");
    }

    /** The location string that {@link dev.keel.core.store.Stores#open} takes for the embedded store. */
    public String storeLocation() {
        return "sqlite:" + database();
    }

    public Path runDir(String runId) {
        return root.resolve("runs").resolve(runId);
    }

    public Path eventLog(String runId) {
        return runDir(runId).resolve("events.log");
    }

    public Path lockFile(String runId) {
        return runDir(runId).resolve("lock");
    }

    public Path blobs() {
        return root.resolve("blobs");
    }

    public Path cache() {
        return root.resolve("cache");
    }

    /** Creates the folder if needed; names the folder and the fix when that fails. */
    public KeelHome ensureExists() {
        try {
            Files.createDirectories(root);
            return this;
        } catch (IOException e) {
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "cannot create the Keel folder " + root + " (" + e
                            + "): make it writable or point KEEL_HOME at a writable folder",
                    e);
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
