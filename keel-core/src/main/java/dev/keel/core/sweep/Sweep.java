package dev.keel.core.sweep;

/**
 * A sweep as stored. {@code config} is the YAML text exactly as its author wrote it; the store
 * does not interpret it (the {@link TrialProposer} does). {@code seed} makes the search
 * repeatable; {@code owner} is the user who created it (empty on a single-user home).
 */
public record Sweep(
        String id,
        String project,
        String name,
        String config,
        long seed,
        SweepState state,
        long createdMillis,
        long updatedMillis,
        String owner) {}
