package dev.keel.core.liveness;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;

import java.io.IOException;

/**
 * How readers (the CLI, the server) tell a live run from one whose process vanished.
 *
 * <p>A run stored as {@code running} is alive while its process holds the run's lock file
 * ({@link RunLock}). On the same machine that is exact and needs no clean-up by anyone: the
 * operating system drops the lock when the process dies. For a run of another host (a shared
 * folder), the heartbeat decides: none for {@link #FOREIGN_HEARTBEAT_TIMEOUT_MS} means crashed.
 * A vanished run that recorded its end beside its log ({@link RunEnd}: the disk was full for both
 * the log and the store) reads as that end, with its problems.
 *
 * <pre>{@code
 * RunInfo shown = Liveness.effective(home, run); // for a run read from the store
 * }</pre>
 */
public final class Liveness {
    /** The SDK heartbeats far more often than this; a foreign run silent this long is gone. */
    public static final long FOREIGN_HEARTBEAT_TIMEOUT_MS = 120_000;

    private Liveness() {}

    /**
     * The state to show for {@code run}: for a running run whose process is gone, the end it
     * recorded outside the store, else {@code crashed}.
     */
    public static RunState effectiveState(KeelHome home, RunInfo run) {
        return effective(home, run).state();
    }

    /** {@code run} as it is to be shown (see {@link #effectiveState}), with the problems of a recorded end. */
    public static RunInfo effective(KeelHome home, RunInfo run) {
        if (run.state() != RunState.RUNNING || isAlive(home, run)) {
            return run;
        }
        return RunEnd.read(home, run.id())
                .map(e -> run.withEnd(e.state(), e.endedAt(), e.runtimeMs(), e.problems()))
                .orElseGet(() -> run.withState(RunState.CRASHED));
    }

    /** Whether the process of {@code run} still lives: its lock on this host, its heartbeat on another. */
    public static boolean isAlive(KeelHome home, RunInfo run) {
        if (!run.host().isEmpty() && !run.host().equals(Hosts.name())) {
            return System.currentTimeMillis() - run.heartbeatAt() < FOREIGN_HEARTBEAT_TIMEOUT_MS;
        }
        try {
            return RunLock.isHeld(home.lockFile(run.id()));
        } catch (IOException e) {
            return System.currentTimeMillis() - run.heartbeatAt() < FOREIGN_HEARTBEAT_TIMEOUT_MS;
        }
    }
}
