package dev.keel.sweep;

import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hyperband as its paper runs it: brackets of synchronous successive halving. {@code keel agent}
 * uses it for {@code early_terminate: {type: hyperband}} when {@code max_iter} is given:
 * <pre>
 * HyperbandBrackets hb = HyperbandBrackets.of(config).orElseThrow();
 * long pauseAt = hb.firstPause(trial.number());          // the program pauses after that many iterations
 * for (Decision d : hb.decide(trials, curves, exhausted)) { ... resume or stop each paused trial ... }
 * </pre>
 *
 * <p>With R = max_iter, r = min_iter and s_max the largest s with r·eta^s &lt;= R, bracket s
 * (s_max, s_max − 1, …, 0, then again) takes the next ⌈(s_max+1)/(s+1)·eta^s⌉ trials by trial
 * number. Its rungs are r·eta^(s_max−s), r·eta^(s_max−s+1), … below R. Every trial of a bracket
 * runs to the bracket's first rung and pauses there (its program stops, its checkpoint saved);
 * once all of them got there, the best ⌊n/eta⌋ (at least one) by the metric's value at the rung
 * are promoted to the next rung and the others stop. The last promoted run to their end. A bracket
 * that the search leaves short (a grid, a run cap) is decided with the trials it has once the
 * search is exhausted. A trial that ended on its own before a rung (failed, finished early)
 * counts as having reached it and is never promoted.
 */
public final class HyperbandBrackets {
    private final String metric;
    private final boolean minimize;
    private final int eta;
    private final long maxIter;
    /** The rungs of the most aggressive bracket, below max_iter. */
    private final long[] rungs;
    /** Trials per bracket, from s_max down to 0. */
    private final int[] sizes;

    HyperbandBrackets(String metric, boolean minimize, long minIter, int eta, long maxIter) {
        if (minIter < 1 || eta < 2 || maxIter < minIter) {
            throw new IllegalArgumentException("hyperband needs 1 <= min_iter <= max_iter and eta >= 2, got " + minIter
                    + ", " + maxIter + ", " + eta);
        }
        this.metric = metric;
        this.minimize = minimize;
        this.eta = eta;
        this.maxIter = maxIter;
        List<Long> below = new ArrayList<>();
        for (long r = minIter; r < maxIter; r = Math.multiplyExact(r, (long) eta)) {
            below.add(r);
            if (r > maxIter / eta) {
                break;
            }
        }
        this.rungs = below.stream().mapToLong(Long::longValue).toArray();
        int sMax = rungs.length;
        this.sizes = new int[sMax + 1];
        for (int s = sMax; s >= 0; s--) {
            double n = (sMax + 1) / (double) (s + 1) * Math.pow(eta, s);
            sizes[sMax - s] = (int) Math.min(1_000_000, Math.ceil(n - 1e-9));
        }
    }

    /**
     * The synchronous brackets the configuration asks for: a {@code hyperband} rule with {@code
     * max_iter} (without it a bracket has no end, and the asynchronous rule of {@link
     * EarlyStop#of} applies).
     */
    public static Optional<HyperbandBrackets> of(SweepConfig config) {
        return config.earlyTerminate()
                .filter(e -> e.type() == SweepConfig.EarlyTerminate.Type.HYPERBAND && e.maxIter() > 0)
                .map(e -> new HyperbandBrackets(
                        config.metricName(), config.minimize(), e.minIter(), e.eta(), e.maxIter()));
    }

    /** What the bracket decided for a paused trial. */
    public enum Action {
        /** Run it again from where it paused, up to {@link Decision#pauseAt} (0: to its end). */
        RESUME,
        /** End it stopped: it was not among its rung's best. */
        STOP
    }

    /**
     * A decision about one paused trial; {@code reason} is a sentence for the trial's row
     * (a stop's reason, or why it goes on).
     */
    public record Decision(int number, Action action, long pauseAt, String reason) {}

    /** Where a trial number falls: its bracket's index (0, 1, …), s, and its first member's number. */
    record Place(int index, int s, int first, int size) {}

    Place place(int number) {
        int cycle = 0;
        for (int size : sizes) {
            cycle += size;
        }
        int round = (number - 1) / cycle;
        int offset = (number - 1) % cycle;
        int first = round * cycle + 1;
        for (int k = 0; k < sizes.length; k++) {
            if (offset < sizes[k]) {
                return new Place(round * sizes.length + k, rungs.length - k, first, sizes[k]);
            }
            offset -= sizes[k];
            first += sizes[k];
        }
        throw new IllegalStateException("unreachable");
    }

    /** The rungs of bracket s, below max_iter. */
    long[] rungsOf(int s) {
        long[] r = new long[s];
        System.arraycopy(rungs, rungs.length - s, r, 0, s);
        return r;
    }

    /** The iteration a newly started trial pauses at: its bracket's first rung, or 0 (run to its end). */
    public long firstPause(int number) {
        long[] r = rungsOf(place(number).s());
        return r.length == 0 ? 0 : r[0];
    }

    /**
     * What to do with the paused trials whose rung is decided.
     *
     * @param trials    every trial of the sweep
     * @param curves    the metric by iteration of the trials that have a run (a missing curve reads as
     *                  no value)
     * @param exhausted whether the search will hand out no more trials (the last bracket is decided
     *                  with the trials it has)
     */
    public List<Decision> decide(List<Trial> trials, Map<Integer, TrialCurve> curves, boolean exhausted) {
        Map<Integer, List<Trial>> byBracket = new HashMap<>();
        int highest = 0;
        for (Trial t : trials) {
            byBracket
                    .computeIfAbsent(place(t.number()).index(), k -> new ArrayList<>())
                    .add(t);
            highest = Math.max(highest, t.number());
        }
        List<Decision> out = new ArrayList<>();
        for (List<Trial> members : byBracket.values()) {
            Place p = place(members.get(0).number());
            boolean complete = p.first() + p.size() - 1 <= highest || exhausted;
            if (complete) {
                decideBracket(p, members, curves, out);
            }
        }
        out.sort(Comparator.comparingInt(Decision::number));
        return out;
    }

    private void decideBracket(Place p, List<Trial> members, Map<Integer, TrialCurve> curves, List<Decision> out) {
        long[] r = rungsOf(p.s());
        List<Trial> level = members;
        for (int i = 0; i < r.length; i++) {
            long rung = r[i];
            for (Trial t : level) {
                if (!reached(t, curves.get(t.number()), rung)) {
                    return; // the rung waits for every trial of its level
                }
            }
            int keep = Math.max(1, level.size() / eta);
            List<Trial> ranked = new ArrayList<>();
            for (Trial t : level) {
                if (goesOn(t) && !Double.isNaN(valueAt(curves.get(t.number()), rung))) {
                    ranked.add(t);
                }
            }
            Comparator<Trial> best = Comparator.comparingDouble(t -> valueAt(curves.get(t.number()), rung));
            if (!minimize) {
                best = best.reversed();
            }
            ranked.sort(best.thenComparingInt(Trial::number));
            List<Trial> next = ranked.subList(0, Math.min(keep, ranked.size()));
            double cut = next.isEmpty()
                    ? Double.NaN
                    : valueAt(curves.get(next.get(next.size() - 1).number()), rung);
            long nextPause = i + 1 < r.length ? r[i + 1] : 0;
            for (Trial t : level) {
                TrialCurve c = curves.get(t.number());
                if (t.state() != TrialState.PAUSED
                        || c == null
                        || c.lastStep() >= (nextPause == 0 ? maxIter : nextPause)) {
                    continue; // decided at this rung before, or not paused here
                }
                double v = valueAt(c, rung);
                String where = " at iteration " + rung + " (bracket " + (p.index() + 1) + ", s=" + p.s() + ", "
                        + level.size() + " trials at this rung, best " + keep + " go on)";
                if (next.contains(t)) {
                    out.add(new Decision(
                            t.number(),
                            Action.RESUME,
                            nextPause,
                            "hyperband: promoted with " + metric + " " + Shown.number(v) + where));
                } else {
                    out.add(new Decision(
                            t.number(),
                            Action.STOP,
                            0,
                            "hyperband: " + metric + " " + Shown.number(v) + where
                                    + ": not among the best, the cut was " + Shown.number(cut)));
                }
            }
            level = next;
        }
    }

    /**
     * A trial got to the rung: it logged that many values (paused there, or past it), or it ended
     * (it will get no further). A trial paused at an earlier rung has not: it waits for its
     * promotion to get here.
     */
    private static boolean reached(Trial t, TrialCurve c, long rung) {
        return t.state().isTerminal() || (c != null && c.lastStep() >= rung);
    }

    /** Only a trial that is paused (or still running past its rung) can go on. */
    private static boolean goesOn(Trial t) {
        return t.state() == TrialState.PAUSED || t.state() == TrialState.RUNNING;
    }

    private static double valueAt(TrialCurve c, long rung) {
        if (c == null || c.lastStep() < rung) {
            return Double.NaN;
        }
        double v = c.valueAt(rung);
        return Double.isFinite(v) ? v : Double.NaN;
    }
}
