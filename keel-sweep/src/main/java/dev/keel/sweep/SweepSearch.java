package dev.keel.sweep;

import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialProposer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The search a store runs when it hands out a trial:
 * <pre>
 * Claim c = store.sweeps().claim(id, agent, runId, cap, staleAfter, SweepSearch.proposer());
 * </pre>
 * The proposer reads the sweep's own configuration text, so every process that holds the same
 * sweep (the embedded store, a server) proposes the same trial from the same history: grid in
 * order, random draws seeded by the sweep's seed and the trial number, and Bayesian search
 * (TPE) from the trials that ended with a metric value.
 */
public final class SweepSearch {
    private static final int CACHED = 64;
    private static final Map<String, Search> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Search> eldest) {
            return size() > CACHED;
        }
    };

    private SweepSearch() {}

    /**
     * A proposer for any sweep. It parses {@link Sweep#config()} once per sweep and configuration
     * (a configuration that no longer parses fails with its {@link SweepConfigException}).
     */
    public static TrialProposer proposer() {
        return SweepSearch::propose;
    }

    private static Proposal propose(Sweep sweep, List<Trial> trials) {
        return search(sweep).propose(sweep.seed(), trials);
    }

    private static Search search(Sweep sweep) {
        String key = sweep.id() + '\u0000' + sweep.config();
        synchronized (CACHE) {
            Search cached = CACHE.get(key);
            if (cached != null) {
                return cached;
            }
        }
        Search search = of(SweepConfig.parse(sweep.config(), "sweep " + sweep.id()));
        synchronized (CACHE) {
            CACHE.put(key, search);
        }
        return search;
    }

    /** The search a configuration asks for. */
    static Search of(SweepConfig config) {
        return switch (config.method()) {
            case GRID -> new GridSearch(config.parameters());
            case RANDOM -> new RandomSearch(config.parameters());
            case BAYES -> new TpeSearch(config.parameters(), config.minimize());
        };
    }
}
