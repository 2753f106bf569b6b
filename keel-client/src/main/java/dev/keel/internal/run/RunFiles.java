package dev.keel.internal.run;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.RunFile;
import dev.keel.core.blob.LocalBlobStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Files kept with a run: content goes into the shared content-addressed blob folder on the
 * caller's thread (the caller wants the address back), the {@link RunFile} entry through the
 * writer like every other record. A bad argument throws; failing storage is recorded as a
 * problem and returns null, so saving a file never crashes a training loop.
 */
final class RunFiles {
    private final String id;
    private final KeelHome home;
    private final Problems problems;
    private final Consumer<Event> sink;

    RunFiles(String id, KeelHome home, Problems problems, Consumer<Event> sink) {
        this.id = id;
        this.home = home;
        this.problems = problems;
        this.sink = sink;
    }

    String saveFile(Path file) {
        return keep(file.getFileName().toString(), file, "file");
    }

    String logArtifact(String artifactName, Path path) {
        if (!Files.isDirectory(path)) {
            return keep(artifactName, path, "artifact");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the folder " + path + ": " + e.getMessage(), e);
        }
        StringBuilder manifest = new StringBuilder();
        for (Path f : files) {
            String rel = path.relativize(f).toString().replace('\\', '/');
            String hash = keep(artifactName + "/" + rel, f, "artifact");
            manifest.append(hash).append("  ").append(rel).append('\n');
        }
        try {
            return new LocalBlobStore(home.blobs())
                    .put(new ByteArrayInputStream(manifest.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            problems.report(
                    "blobs",
                    "cannot store artifact " + artifactName + " in " + home.blobs() + " (" + e
                            + "). Fix: free disk space or make the folder writable.");
            return null;
        }
    }

    /** Stores text as a blob and returns the run file to record (null, with a problem reported, on failure). */
    RunFile storeText(String fileName, String text, String kind) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            String hash = new LocalBlobStore(home.blobs()).put(new ByteArrayInputStream(bytes));
            return new RunFile(fileName, hash, bytes.length, kind, System.currentTimeMillis());
        } catch (IOException | RuntimeException e) {
            problems.report(
                    "blobs",
                    "cannot store " + fileName + " in " + home.blobs() + " (" + e
                            + "). Fix: free disk space or make the folder writable.");
            return null;
        }
    }

    private String keep(String fileName, Path file, String kind) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "cannot keep " + file + " with run " + id + ": it is not a readable file");
        }
        try {
            LocalBlobStore blobs = new LocalBlobStore(home.blobs());
            String hash = blobs.putFile(file);
            sink.accept(
                    new Event.File(new RunFile(fileName, hash, Files.size(file), kind, System.currentTimeMillis())));
            return hash;
        } catch (IOException | KeelException e) {
            problems.report(
                    "blobs",
                    "cannot store " + file + " in " + home.blobs() + " (" + e
                            + "). Fix: free disk space or make the folder writable.");
            return null;
        }
    }
}
