package dev.keel.cli.sweep;

import dev.keel.sweep.SweepConfig;

import java.util.Optional;

/** The early-termination rule a sweep's configuration asks for ({@code early_terminate}), as the agent applies it. */
public final class StopRules {
    private StopRules() {}

    /** Empty when the configuration has no rule, or none this build can apply. */
    public static Optional<StopRule> of(SweepConfig config) {
        return Optional.empty();
    }
}
