package dev.keel.cli.view;

import dev.keel.core.RunInfo;
import dev.keel.core.RunState;

/** A run's runtime as readers show it, from whatever the store knows. */
public final class RunTimes {
    private RunTimes() {}

    /**
     * Milliseconds the run has run: up to now while it runs, else the recorded runtime, else
     * what its end or last heartbeat implies.
     */
    public static long runtimeMs(RunInfo run, long now) {
        if (run.state() == RunState.RUNNING) {
            return Math.max(run.runtimeMs(), now - run.createdAt());
        }
        if (run.runtimeMs() > 0) {
            return run.runtimeMs();
        }
        long end = run.endedAt() > 0 ? run.endedAt() : run.heartbeatAt();
        return end > 0 ? Math.max(0, end - run.createdAt()) : Math.max(0, run.runtimeMs());
    }
}
