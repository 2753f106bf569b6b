package dev.keel.cli.reproduce;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the time of one {@code keel reproduce} went: each {@link #lap} closes the phase that ran
 * since the previous one. The overhead a reproduction adds to the program is the sum of every
 * phase but the program's, so the report names each one instead of a single total.
 */
public final class PhaseTrace {
    private final Map<String, Long> ms = new LinkedHashMap<>();
    private long mark = System.nanoTime();

    /**
     * A trace whose first phase, {@code cli_start}, is this JVM's start up to now (the launcher,
     * class loading, parsing the command line), where the operating system says when it began.
     */
    public static PhaseTrace sinceProcessStart() {
        PhaseTrace t = new PhaseTrace();
        Optional<Instant> started = ProcessHandle.current().info().startInstant();
        started.ifPresent(s -> t.ms.put(
                "cli_start", Math.max(0, Duration.between(s, Instant.now()).toMillis())));
        return t;
    }

    /** Closes the phase that ran since the last lap (or since this trace began) under {@code phase}. */
    public void lap(String phase) {
        long now = System.nanoTime();
        ms.merge(phase, (now - mark) / 1_000_000, Long::sum);
        mark = now;
    }

    /** Starts the next phase now, not counting the time since the last lap in any phase. */
    public void skip() {
        mark = System.nanoTime();
    }

    /** Adds {@code millis} measured elsewhere (e.g. inside the program) as {@code phase}. */
    public void add(String phase, long millis) {
        ms.merge(phase, Math.max(0, millis), Long::sum);
    }

    /** The sum of the phases named. */
    public long sum(String... phases) {
        long total = 0;
        for (String p : phases) {
            total += ms.getOrDefault(p, 0L);
        }
        return total;
    }

    /** Phase → milliseconds, in the order they ran. */
    public Map<String, Long> phases() {
        return new LinkedHashMap<>(ms);
    }

    /** One line: {@code phase=ms} for each phase, in order. */
    public String text() {
        StringBuilder b = new StringBuilder();
        ms.forEach(
                (k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }
}
