package dev.keel.core.sweep;

import java.util.Map;

/**
 * One trial of a sweep: its number (1, 2, … in hand-out order, never reused), the parameters it
 * was given (flat dotted keys such as {@code optimizer.lr}, values String, Long, Double or
 * Boolean), the run that carries it, and what became of it. {@code metric} is the sweep
 * metric's value the trial ended with (null when none); {@code reason} says why it ended where
 * that is not plain success (the early-termination rule, the exit status, the timeout), and
 * while it runs, why a stop was requested (empty when none).
 */
public record Trial(
        String sweepId,
        int number,
        Map<String, Object> params,
        TrialState state,
        String agent,
        String runId,
        long claimedMillis,
        long heartbeatMillis,
        long endedMillis,
        Double metric,
        String reason) {}
