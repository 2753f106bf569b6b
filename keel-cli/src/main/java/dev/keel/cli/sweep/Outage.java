package dev.keel.cli.sweep;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;

import java.util.function.Consumer;

/**
 * How the agent rides out a server that is down (connection refused, a proxy's 502/503): the
 * call that failed is tried again later with the same arguments, waiting longer each time up
 * to {@value #MAX_DELAY_MS} ms. Claims carry the run id the agent chose, so a claim the server
 * granted before its answer was lost is granted again, not twice.
 */
final class Outage {
    static final long MAX_DELAY_MS = 10_000;
    private static final long FIRST_DELAY_MS = 250;

    private final Consumer<String> notes;
    private int failures;

    Outage(Consumer<String> notes) {
        this.notes = notes;
    }

    /** True when {@code e} says the store may answer later. */
    static boolean passing(KeelException e) {
        return e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE;
    }

    /** Records a failed call; returns how long to wait before the next try. */
    long failed(KeelException e) {
        if (failures == 0) {
            notes.accept("the store is unreachable (" + e.getMessage() + "); waiting for it, running trials go on");
        }
        failures++;
        return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << Math.min(failures - 1, 10));
    }

    void ok() {
        if (failures > 0) {
            notes.accept("the store answers again");
        }
        failures = 0;
    }
}
