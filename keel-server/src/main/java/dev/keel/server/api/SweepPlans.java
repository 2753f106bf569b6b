package dev.keel.server.api;

import dev.keel.core.KeelException;
import dev.keel.core.sweep.TrialProposer;
import dev.keel.sweep.SweepConfig;
import dev.keel.sweep.SweepSearch;

/**
 * What the server needs from the sweep search (module keel-sweep): the proposer it hands trials
 * out with, and a configuration's run cap, which also checks the configuration is valid.
 */
final class SweepPlans {
    private static final TrialProposer PROPOSER = SweepSearch.proposer();

    private SweepPlans() {}

    static TrialProposer proposer() {
        return PROPOSER;
    }

    /** The run cap of a configuration (0: none); an invalid one is refused naming the key and line. */
    static int runCap(String config, String sourceName) {
        try {
            return SweepConfig.parse(config, sourceName).runCap();
        } catch (KeelException e) {
            throw e;
        } catch (RuntimeException e) {
            // the caller's text, not the server, is at fault whatever the parser tripped on
            throw KeelException.invalid(sourceName + " is not a sweep configuration Keel can read: " + e.getMessage());
        }
    }
}
