package dev.keel.examples.apparel.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Lets a benchmark take turns between several trainers, one epoch at a time, so that epochs
 * compared with each other ran seconds apart on the same machine state ({@code
 * bench/apparel_lockstep.sh}). Off unless {@code KEEL_EPOCH_GATE=DIR/NAME} is set: then the
 * trainer announces {@code NAME.ready}, waits for {@code NAME.go.E} before epoch E (from 0) and
 * leaves {@code NAME.done.E} after it. The waits fall between epochs, outside their timing.
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

    /** Waits for the turn of epoch {@code epoch} (0-based). */
    void before(int epoch) {
        if (prefix == null) {
            return;
        }
        if (epoch == 0) {
            touch("ready");
        }
        Path go = sibling("go." + epoch);
        try {
            while (!Files.exists(go)) {
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Hands the turn on after epoch {@code epoch} (0-based). */
    void after(int epoch) {
        if (prefix != null) {
            touch(String.format(Locale.ROOT, "done.%d", epoch));
        }
    }

    private void touch(String suffix) {
        try {
            Files.writeString(sibling(suffix), "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the epoch gate file " + sibling(suffix), e);
        }
    }

    private Path sibling(String suffix) {
        return prefix.resolveSibling(prefix.getFileName() + "." + suffix);
    }
}
