package dev.keel.cli.checkout;

import dev.keel.core.KeelException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Compiles the reference project (with the Keel modules it uses) and writes its run-time class
 * path to {@code target/runtime-classpath.txt}, when that file is missing or older than any
 * source. The class path names the jars in the local Maven repository (PyTorch's ~200 MB native
 * jar among them), so the CLI's own fat jar never has to carry them. It leaves test-scope jars
 * (JUnit…) out: the run records every jar on its class path as a dependency.
 */
public final class ExampleBuild {
    // Build output, data, and modules the example does not use (a CLI change needs no example rebuild).
    private static final Set<String> SKIPPED_DIRS = Set.of(
            "target", ".git", ".keel", "node_modules", "bench", "artifacts", ".idea", "keel-cli", "keel-blob-s3");
    private final KeelCheckout checkout;

    public ExampleBuild(KeelCheckout checkout) {
        this.checkout = checkout;
    }

    public Path classpathFile() {
        return checkout.example().resolve("target").resolve("runtime-classpath.txt");
    }

    /** The Maven command that compiles the example and writes its class path, run in the checkout's root. */
    public List<String> mavenCommand() {
        return List.of(
                "mvn",
                "-q",
                "-B",
                "-pl",
                KeelCheckout.EXAMPLE,
                "-am",
                "-DskipTests",
                "compile",
                "dependency:build-classpath",
                "-DincludeScope=runtime",
                "-Dmdep.outputFile=target/runtime-classpath.txt");
    }

    /** True when the class path file is missing or a Java source, pom or resource is newer. */
    public boolean stale() {
        Path cp = classpathFile();
        if (!Files.isRegularFile(cp) || !Files.isDirectory(checkout.example().resolve("target/classes"))) {
            return true;
        }
        try {
            FileTime built = Files.getLastModifiedTime(cp);
            boolean[] newer = {false};
            Files.walkFileTree(checkout.root(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(checkout.root())
                                    && SKIPPED_DIRS.contains(dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String name = file.getFileName().toString();
                    boolean source = name.endsWith(".java")
                            || name.equals("pom.xml")
                            || file.toString().contains("/src/main/resources/");
                    if (source && attrs.lastModifiedTime().compareTo(built) > 0) {
                        newer[0] = true;
                        return FileVisitResult.TERMINATE;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            return newer[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds when {@link #stale()}; Maven's output is shown only when the build fails. */
    public void ensureBuilt(Consumer<String> note) {
        if (!stale()) {
            return;
        }
        note.accept("building the reference project " + KeelCheckout.EXAMPLE + "… (first use or sources changed)");
        try {
            Path log = Files.createTempFile("keel-example-build", ".log");
            try {
                Process p = new ProcessBuilder(mavenCommand())
                        .directory(checkout.root().toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                int code = p.waitFor();
                if (code != 0 || !Files.isRegularFile(classpathFile())) {
                    throw new KeelException(
                            KeelException.ErrorCode.INTERNAL_ERROR,
                            "building " + KeelCheckout.EXAMPLE
                                    + " failed (exit " + code + "):\n" + tail(Files.readString(log))
                                    + "\nfix the build ("
                                    + String.join(" ", mavenCommand()) + " in " + checkout.root()
                                    + "), then run the demo again");
                }
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new KeelException(
                    KeelException.ErrorCode.INTERNAL_ERROR,
                    "cannot run Maven to build " + KeelCheckout.EXAMPLE + " (" + e.getMessage()
                            + "): install it (sudo apt-get install maven)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeelException(
                    KeelException.ErrorCode.INTERNAL_ERROR, "interrupted while building " + KeelCheckout.EXAMPLE);
        }
    }

    /** The example's run-time class path: its classes, then every dependency jar or module folder. */
    public List<String> classpath() {
        List<String> entries = new ArrayList<>();
        entries.add(checkout.example().resolve("target/classes").toString());
        try {
            for (String e : Files.readString(classpathFile()).trim().split(File.pathSeparator)) {
                if (!e.isBlank()) {
                    entries.add(e.trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : "…" + text.substring(text.length() - 4000);
    }
}
