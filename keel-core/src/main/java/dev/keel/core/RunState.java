package dev.keel.core;

import java.util.Locale;

/**
 * The life-cycle state of a run, as every reader shows it.
 *
 * <p>{@link #CRASHED} is never written by the run itself: a reader decides it when the run's
 * process is gone (its per-run lock is free) while the stored state still says {@link #RUNNING}.
 * {@link #UNREACHABLE} is never stored either: a server shows it for a running run whose
 * heartbeats stopped arriving while nothing proves the process dead (a network outage); it
 * heals to running or finished when the run's backlog arrives.
 *
 * <p>{@link #STOPPED} is a run that ended well but early because its sweep asked it to
 * (early termination, a canceled sweep); the reason is kept in the summary under
 * {@link #STOP_REASON_KEY}.
 */
public enum RunState {
    RUNNING,
    FINISHED,
    STOPPED,
    FAILED,
    KILLED,
    CRASHED,
    UNREACHABLE;

    /** The summary key under which a {@link #STOPPED} run keeps why it was stopped. */
    public static final String STOP_REASON_KEY = "_stop_reason";

    /** The lower-case word used in the CLI, the JSON output and the filter language. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True once the run can no longer change by itself. */
    public boolean isTerminal() {
        return this != RUNNING && this != UNREACHABLE;
    }

    /** Parses {@code running}, {@code FINISHED}…; names the accepted words when the input is wrong. */
    public static RunState parse(String text) {
        for (RunState s : values()) {
            if (s.name().equalsIgnoreCase(text.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown run state '" + text
                + "': use one of running, finished, stopped, failed, killed, crashed, unreachable");
    }
}
