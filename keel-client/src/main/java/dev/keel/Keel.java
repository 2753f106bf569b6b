package dev.keel;

import dev.keel.core.KeelHome;
import dev.keel.internal.run.ModelsImpl;
import dev.keel.internal.run.RunFactory;

import java.nio.file.Path;

/**
 * Entry point of the Keel SDK.
 *
 * <pre>{@code
 * try (Run run = Keel.init(RunOptions.builder().project("demo").config(Map.of("lr", 0.01)).build())) {
 *     run.log(Map.of("loss", 0.3));
 * }
 * }</pre>
 *
 * <p>{@code init} never waits on a network, and returns quickly even when the disk is slow:
 * what cannot be written at once is written by the background writer. A new run's store is
 * opened in the background too (the run's event log holds what it logs meanwhile). A store
 * that cannot be opened never makes {@code log} or {@code close} throw: the run keeps logging
 * into its event log, the store's own message is printed once and listed in
 * {@code run.problems()}, and the next {@code keel} command after the store is fixed indexes
 * the run with everything it logged. Only {@code name()}, which the store numbers, throws.
 */
public final class Keel {
    private Keel() {}

    /**
     * Creates (or, with {@link RunOptions.Builder#resume}, continues) a run. As a sweep's trial,
     * started by {@code keel agent} with {@code KEEL_RUN_ID} and {@code KEEL_SWEEP} in its
     * environment, the new run takes that id and belongs to that sweep unless the options say
     * otherwise; a malformed value, or an id that is taken, throws a
     * {@code KeelException} naming the variable.
     */
    public static Run init(RunOptions options) {
        return RunFactory.create(options);
    }

    /** Creates a run in {@code project} with default options. */
    public static Run init(String project) {
        return init(RunOptions.builder().project(project).build());
    }

    /**
     * The model registry runs use by default: the Keel server's when {@code KEEL_URL} is set (and
     * {@code KEEL_MODE} is not {@code offline}), else that of the Keel folder ({@code KEEL_HOME},
     * else the nearest {@code .keel} walking up, else {@code ~/.keel}).
     */
    public static Models models() {
        return ModelsImpl.byDefault(KeelHome.resolve());
    }

    /** The model registry of the Keel folder {@code keelFolder}. */
    public static Models models(Path keelFolder) {
        return ModelsImpl.of(new KeelHome(keelFolder));
    }

    /**
     * Records a seed in the provenance of the current run (and of runs created after this call
     * in this JVM) and returns it, so that {@code new Random(Keel.seed(42))} documents itself.
     */
    public static long seed(long seed) {
        return RunFactory.recordSeed(seed);
    }
}
