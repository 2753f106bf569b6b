package dev.keel.cli.access;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.liveness.Liveness;
import dev.keel.core.store.Store;
import dev.keel.home.CrashRecovery;

import java.nio.file.Files;
import java.util.List;

/**
 * Shows runs in their effective state: a run stored as running whose process has vanished
 * reads as crashed, whether or not this reader may write to the store.
 */
public final class LiveRuns {
    private final KeelHome home;

    public LiveRuns(KeelHome home) {
        this.home = home;
    }

    /**
     * Records vanished runs of this machine as crashed (applying the rest of their event logs)
     * so that filters on state and the stored runtime are right. A store this user cannot write
     * is left as it is: {@link #effective} still shows those runs as crashed.
     */
    public void recover(Store store) {
        try {
            CrashRecovery.recoverCrashed(home, store);
        } catch (RuntimeException e) {
            // Read-only store or folder: recovery is an improvement, not a need, for a reader.
        }
    }

    /**
     * A run with its folder here is judged by its lock; one without (read from a server, which
     * already judged it by its heartbeats) keeps its state until its heartbeat is long silent.
     */
    public RunInfo effective(RunInfo run) {
        if (run.state() == RunState.RUNNING && !Files.isDirectory(home.runDir(run.id()))) {
            boolean silent = System.currentTimeMillis() - run.heartbeatAt() > Liveness.FOREIGN_HEARTBEAT_TIMEOUT_MS;
            return silent ? run.withState(RunState.CRASHED) : run;
        }
        return Liveness.effective(home, run);
    }

    public List<RunInfo> effective(List<RunInfo> runs) {
        return runs.stream().map(this::effective).toList();
    }
}
