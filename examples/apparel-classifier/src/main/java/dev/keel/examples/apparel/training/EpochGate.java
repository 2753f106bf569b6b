package dev.keel.examples.apparel.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Lets a benchmark take turns between several trainers, one epoch at a time, so that epochs
 * compared with each other ran seconds apart on the same machine state ({@code
 * bench/apparel_lockstep.sh}). Off unless {@code KEEL_EPOCH_GATE=DIR/NAME} is set: then the
 * trainer leaves the file {@code NAME.ready}, reads a line from the named pipe {@code NAME.go}
 * before each epoch and writes one to {@code NAME.done} after it; after the last epoch it reads
 * one more line, so that its evaluation and saving do not run during another trainer's epoch. Named pipes, because a waiting
 * trainer then blocks in the kernel: one polling for files woke hundreds of times a second and
 * slowed the trainer whose turn it was. The waits fall between epochs, outside their timing.
 */
final class EpochGate {
    private static final EpochGate OFF = new EpochGate(null);
    private final Path prefix;

    private EpochGate(Path prefix) {
        this.prefix = prefix;
    }

    static EpochGate fromEnvironment() {
        String v = System.getenv("KEEL_EPOCH_GATE");
        return v == null || v.isBlank() ? OFF : new EpochGate(Path.of(v));
    }

    /** Waits for the turn of epoch {@code epoch} (0-based; the epoch count: for the end). */
    void before(int epoch) {
        if (prefix == null) {
            return;
        }
        try {
            if (epoch == 0) {
                Files.writeString(sibling("ready"), "");
            }
            try (BufferedReader go = Files.newBufferedReader(sibling("go"))) {
                go.readLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("epoch gate " + prefix + ": " + e.getMessage(), e);
        }
    }

    /** Hands the turn on after epoch {@code epoch} (0-based). */
    void after(int epoch) {
        if (prefix == null) {
            return;
        }
        try {
            Files.writeString(sibling("done"), epoch + "\n", StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("epoch gate " + prefix + ": " + e.getMessage(), e);
        }
    }

    private Path sibling(String suffix) {
        return prefix.resolveSibling(prefix.getFileName() + "." + suffix);
    }
}
