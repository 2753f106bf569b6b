package dev.keel.cli.scaffold;

import dev.keel.cli.checkout.KeelCheckout;
import dev.keel.core.KeelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Keel jars a scaffolded project depends on ({@code dev.keel:keel-client} and
 * {@code dev.keel:keel-djl}). Keel is not published, so they come from the local Maven
 * repository, into which {@code keel init} installs them from its own checkout when missing.
 */
public final class KeelArtifacts {
    private final Path localRepository;

    public KeelArtifacts(Path localRepository) {
        this.localRepository = localRepository;
    }

    /** {@code -Dmaven.repo.local} when given to this JVM, else {@code ~/.m2/repository}. */
    public static KeelArtifacts defaultRepository() {
        String repo = System.getProperty("maven.repo.local");
        return new KeelArtifacts(
                repo != null ? Path.of(repo) : Path.of(System.getProperty("user.home"), ".m2", "repository"));
    }

    public boolean installed() {
        return List.of("keel-client", "keel-djl").stream()
                .allMatch(a -> Files.isRegularFile(localRepository
                        .resolve("dev/keel")
                        .resolve(a)
                        .resolve(Scaffold.KEEL_VERSION)
                        .resolve(a + "-" + Scaffold.KEEL_VERSION + ".jar")));
    }

    /**
     * The Maven command that installs them, run in the checkout's root. Tests and the format check
     * are left to the checkout's own build: a checkout with local edits still installs.
     */
    public List<String> installCommand() {
        return List.of(
                "mvn",
                "-q",
                "-B",
                "install",
                "-DskipTests",
                "-Dspotless.check.skip=true",
                "-pl",
                "keel-djl",
                "-am",
                "-Dmaven.repo.local=" + localRepository);
    }

    public void install(KeelCheckout checkout, Consumer<String> note) {
        note.accept("installing the Keel jars into " + localRepository + " from " + checkout.root() + "… (once)");
        try {
            Path log = Files.createTempFile("keel-install", ".log");
            try {
                int code = new ProcessBuilder(installCommand())
                        .directory(checkout.root().toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start()
                        .waitFor();
                if (code != 0 || !installed()) {
                    String out = Files.readString(log);
                    throw new KeelException(
                            KeelException.ErrorCode.INTERNAL_ERROR,
                            "installing the Keel jars failed (exit "
                                    + code + "):\n"
                                    + (out.length() > 4000 ? "…" + out.substring(out.length() - 4000) : out)
                                    + "\nrun " + String.join(" ", installCommand()) + " in " + checkout.root()
                                    + " and fix what it says");
                }
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new KeelException(
                    KeelException.ErrorCode.INTERNAL_ERROR,
                    "cannot run Maven (" + e.getMessage()
                            + "): install it (sudo apt-get install maven), then run keel init again",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeelException(
                    KeelException.ErrorCode.INTERNAL_ERROR, "interrupted while installing the Keel jars");
        }
    }
}
