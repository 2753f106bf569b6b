package dev.keel.core.sweep;

import java.util.Map;

/** A {@link TrialProposer}'s answer: the next parameters, or that the search has nothing left. */
public sealed interface Proposal {
    record Next(Map<String, Object> params) implements Proposal {}

    /** The search space is used up (a grid is done); {@code reason} is shown to the user. */
    record Exhausted(String reason) implements Proposal {}

    static Proposal next(Map<String, Object> params) {
        return new Next(Map.copyOf(params));
    }

    static Proposal exhausted(String reason) {
        return new Exhausted(reason);
    }
}
