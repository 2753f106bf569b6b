package dev.keel.internal.run;

import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;

import java.nio.file.Path;

/** Helpers shared by the run tests: options for a temporary home, and a fresh store to read it. */
final class TestRuns {
    private TestRuns() {}

    /** Options for a quiet run in {@code home}: no system metrics, no console capture. */
    static RunOptions.Builder options(Path home) {
        return RunOptions.builder()
                .project("test")
                .home(home)
                .systemMetrics(false)
                .captureConsole(false);
    }

    /** A separate store on the same database, as another process (the CLI) would open it. */
    static Store reader(Path home) {
        return Stores.open(new KeelHome(home).storeLocation());
    }
}
