package dev.keel.core.sweep;

import java.util.List;

/**
 * Chooses the next trial's parameters from the sweep and every trial it has had so far (in
 * number order, every state). The store calls it inside the transaction that hands the trial
 * out, so two agents never get a proposal made from the same history. It must be deterministic
 * for a given sweep (its seed) and history, and fast (it runs under the sweep's lock).
 */
@FunctionalInterface
public interface TrialProposer {
    Proposal propose(Sweep sweep, List<Trial> trials);
}
