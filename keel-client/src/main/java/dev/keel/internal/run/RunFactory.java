package dev.keel.internal.run;

import dev.keel.Run;
import dev.keel.RunOptions;

/** Creates runs for {@link dev.keel.Keel}. Placeholder until the run implementation lands. */
public final class RunFactory {
    private RunFactory() {
    }

    public static Run create(RunOptions options) {
        throw new UnsupportedOperationException("runs are not implemented yet");
    }

    public static long recordSeed(long seed) {
        return seed;
    }
}
