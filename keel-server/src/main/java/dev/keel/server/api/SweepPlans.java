package dev.keel.server.api;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.sweep.TrialProposer;

/**
 * What the server needs from the sweep search (module keel-sweep): the proposer it hands trials
 * out with, and a configuration's run cap, which also checks the configuration is valid.
 */
final class SweepPlans {
    private SweepPlans() {}

    static TrialProposer proposer() {
        return (sweep, trials) -> {
            throw new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "this server has no sweep search yet");
        };
    }

    /** The run cap of a configuration (0: none); an invalid one is refused naming the key and line. */
    static int runCap(String config, String sourceName) {
        return 0;
    }
}
