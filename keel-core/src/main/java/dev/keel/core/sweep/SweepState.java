package dev.keel.core.sweep;

import java.util.Locale;

/**
 * Where a sweep stands. Only {@link #RUNNING} hands out trials. {@link #STOPPED} lets running
 * trials finish; {@link #CANCELED} asks agents to kill them. A sweep becomes {@link #FINISHED}
 * when its search is exhausted or its run cap is reached and no trial is still running.
 */
public enum SweepState {
    RUNNING,
    PAUSED,
    STOPPED,
    CANCELED,
    FINISHED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True once no trial will ever be handed out again. */
    public boolean isTerminal() {
        return this == STOPPED || this == CANCELED || this == FINISHED;
    }

    public static SweepState parse(String text) {
        for (SweepState s : values()) {
            if (s.name().equalsIgnoreCase(text.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown sweep state '" + text + "': use one of running, paused, stopped, canceled, finished");
    }
}
