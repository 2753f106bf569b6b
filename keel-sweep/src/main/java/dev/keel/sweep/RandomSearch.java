package dev.keel.sweep;

import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Trial;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Independent draws: trial N's parameters depend only on the seed and N. */
final class RandomSearch implements Search {
    private final List<Parameter> parameters;

    RandomSearch(List<Parameter> parameters) {
        this.parameters = parameters;
    }

    @Override
    public Proposal propose(long seed, List<Trial> trials) {
        return Proposal.next(sample(parameters, Search.random(seed, Search.nextNumber(trials), 0)));
    }

    static Map<String, Object> sample(List<Parameter> parameters, SplittableRandom random) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            out.put(p.name(), p.sample(random));
        }
        return out;
    }
}
