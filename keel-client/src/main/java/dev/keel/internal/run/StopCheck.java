package dev.keel.internal.run;

import dev.keel.core.store.Store;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches, on its own thread, whether the sweep a run is a trial of wants it to stop: the
 * trial carries a stop request (its reason set while it runs) or the sweep was canceled. The
 * first reason seen is handed to {@code onStop} once; the training loop reads it through
 * {@code run.shouldStop()} without ever waiting on the store.
 *
 * <p>Besides its interval, it looks again right after each value of the sweep's metric is
 * logged ({@link #lookSoon}), and a few times shortly after: the agent judges that value within
 * moments, and a stop that arrives then takes effect before the program's next iteration.
 *
 * <p>A store that keeps no sweeps ends the watch quietly; any other failure (a server that is
 * restarting, a busy database) is retried at the next look, since a missed look only delays a
 * stop by one interval.
 */
final class StopCheck implements AutoCloseable {
    static final long DEFAULT_INTERVAL_MS = 2_000;
    /** System property that shortens the interval, for tests that should not wait seconds. */
    static final String INTERVAL_PROPERTY = "keel.stopCheckIntervalMs";

    private final Store store;
    private final String runId;
    private final Consumer<String> onStop;
    private final ScheduledExecutorService timer;

    private StopCheck(Store store, String runId, Consumer<String> onStop, long intervalMs) {
        this.store = store;
        this.runId = runId;
        this.onStop = onStop;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keel-stop-check-" + runId);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::lookSafely, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** {@link #DEFAULT_INTERVAL_MS}, or the positive value of {@link #INTERVAL_PROPERTY}. */
    static long intervalMillis() {
        try {
            long ms = Long.parseLong(System.getProperty(INTERVAL_PROPERTY, ""));
            return ms > 0 ? ms : DEFAULT_INTERVAL_MS;
        } catch (NumberFormatException e) {
            return DEFAULT_INTERVAL_MS;
        }
    }

    static StopCheck start(Store store, String runId, Consumer<String> onStop, long intervalMs) {
        return new StopCheck(store, runId, onStop, intervalMs);
    }

    private void lookSafely() {
        try {
            look().ifPresent(reason -> {
                onStop.accept(reason);
                timer.shutdown();
            });
        } catch (UnsupportedOperationException e) {
            timer.shutdown(); // this store keeps no sweeps: nothing can ever ask the run to stop
        } catch (RuntimeException e) {
            // unreachable or busy store: look again next time
        }
    }

    /** Delays after a logged value of the sweep's metric at which to look again, in milliseconds. */
    private static final long[] SOON_MS = {0, 150, 400, 800, 1_500};

    /** Looks now and a few times shortly after, on the watch's own thread; never waits, never throws. */
    void lookSoon() {
        try {
            for (long delay : SOON_MS) {
                timer.schedule(this::lookSafely, delay, TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            // the watch ended (a stop seen, or closed): nothing more to look for
        }
    }

    /** Why the run should stop, if it should. */
    private Optional<String> look() {
        SweepStore sweeps = store.sweeps();
        Optional<Trial> found = sweeps.trialOfRun(runId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Trial trial = found.get();
        if (trial.state() == TrialState.RUNNING
                && trial.reason() != null
                && !trial.reason().isBlank()) {
            return Optional.of(trial.reason());
        }
        Optional<Sweep> sweep = sweeps.sweep(trial.sweepId());
        if (sweep.isPresent() && sweep.get().state() == SweepState.CANCELED) {
            return Optional.of("sweep " + trial.sweepId() + " was canceled");
        }
        return Optional.empty();
    }

    /** Waits up to {@code millis} for the watch to end (a stop seen, no sweeps kept, or closed). */
    boolean awaitEnd(long millis) throws InterruptedException {
        return timer.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdown(); // not shutdownNow: interrupting a store call mid-request helps nobody
    }
}
