package dev.keel.sweep;

import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Trial;
import dev.keel.sweep.SearchSpace.Point;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Bayesian search with a tree-structured Parzen estimator (Bergstra et al., 2011). The trials
 * that ended with a metric value are split into the best few ("good") and the rest; a Parzen
 * density is fitted to each, candidates are drawn from the good density, and the one where good
 * is most likely relative to bad is proposed. Until {@link #STARTUP} trials have a metric value
 * it draws exactly what random search would.
 *
 * <p>Failed, crashed, killed and metric-less trials are not observations: they say nothing about
 * where the metric is good. Trials still running are ignored; parallel agents still get different
 * proposals because each trial number seeds its own draws.
 */
final class TpeSearch implements Search {
    static final int STARTUP = 10;
    static final int CANDIDATES = 24;
    private static final int MAX_GOOD = 25;

    private final List<Parameter> parameters;
    private final boolean minimize;
    private final SearchSpace space;

    TpeSearch(List<Parameter> parameters, boolean minimize) {
        this.parameters = parameters;
        this.minimize = minimize;
        this.space = new SearchSpace(parameters);
    }

    @Override
    public Proposal propose(long seed, List<Trial> trials) {
        int number = Search.nextNumber(trials);
        List<Observation> observed = observations(trials);
        if (observed.size() < STARTUP || space.dimensions() == 0) {
            return Proposal.next(RandomSearch.sample(parameters, Search.random(seed, number, 0)));
        }
        observed.sort(Comparator.comparingDouble(Observation::loss));
        int good = goodCount(observed.size());
        List<Point> goodPoints = new ArrayList<>();
        List<Point> badPoints = new ArrayList<>();
        for (int i = 0; i < observed.size(); i++) {
            (i < good ? goodPoints : badPoints).add(observed.get(i).point());
        }
        ParzenMixture l = new ParzenMixture(space, goodPoints);
        ParzenMixture g = new ParzenMixture(space, badPoints);
        SplittableRandom random = Search.random(seed, number, 1);
        Point best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < CANDIDATES; i++) {
            Point candidate = l.sample(random);
            double score = l.logDensity(candidate) - g.logDensity(candidate);
            if (best == null || score > bestScore) {
                best = candidate;
                bestScore = score;
            }
        }
        return Proposal.next(space.decode(best));
    }

    /** How many of n observations count as good: a tenth, at least one, at most {@link #MAX_GOOD}. */
    static int goodCount(int n) {
        return Math.max(1, Math.min(MAX_GOOD, (int) Math.ceil(0.1 * n)));
    }

    private List<Observation> observations(List<Trial> trials) {
        List<Observation> out = new ArrayList<>();
        for (Trial t : trials) {
            if (!t.state().countsForBest() || t.metric() == null || !Double.isFinite(t.metric())) {
                continue;
            }
            Point p = space.encode(t.params());
            if (p != null) {
                out.add(new Observation(p, minimize ? t.metric() : -t.metric()));
            }
        }
        return out;
    }

    /** A trial with a metric value, as a point and a loss (lower is better whatever the goal). */
    private record Observation(Point point, double loss) {}
}
