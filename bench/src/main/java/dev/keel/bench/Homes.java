package dev.keel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh Keel folders for harnesses, under bench/work by default (git-ignored). */
final class Homes {
    private Homes() {
    }

    static Path fresh(String name) {
        try {
            Path base = Path.of(System.getProperty("keel.bench.work", "bench/work"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base.toAbsolutePath(), name + "-").resolve(".keel");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
