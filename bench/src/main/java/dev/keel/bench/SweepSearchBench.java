package dev.keel.bench;

import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialProposer;
import dev.keel.core.sweep.TrialState;
import dev.keel.sweep.Importance;
import dev.keel.sweep.SweepSearch;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Bayesian search (TPE) against random search at an equal budget of trials on two standard test
 * functions, minimised: Branin (2-D, minimum 0.397887) and Hartmann-6 (6-D, minimum -3.32237).
 * Each seed is one sweep run start to finish through {@link SweepSearch#proposer()}, exactly as a
 * store calls it; the best value found per sweep is summarised over the seeds. Then the time to
 * propose one trial from a history of 200 finished trials, and to compute parameter importance
 * over them.
 *
 * <pre>
 * bench/run.sh sweep-search            # or: java -jar bench/target/keel-bench.jar sweep-search \
 *     [--seeds 30] [--trials 60] [--proposals 200]
 * </pre>
 */
final class SweepSearchBench {
    private static final String BRANIN = """
            parameters:
              x1: {distribution: uniform, min: -5.0, max: 10.0}
              x2: {distribution: uniform, min: 0.0, max: 15.0}
            """;
    private static final String HARTMANN = """
            parameters:
              x1: {distribution: uniform, min: 0.0, max: 1.0}
              x2: {distribution: uniform, min: 0.0, max: 1.0}
              x3: {distribution: uniform, min: 0.0, max: 1.0}
              x4: {distribution: uniform, min: 0.0, max: 1.0}
              x5: {distribution: uniform, min: 0.0, max: 1.0}
              x6: {distribution: uniform, min: 0.0, max: 1.0}
            """;
    private static final double[] H_ALPHA = {1.0, 1.2, 3.0, 3.2};
    private static final double[][] H_A = {
        {10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}
    };
    private static final double[][] H_P = {
        {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
        {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
        {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
        {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}
    };

    private SweepSearchBench() {}

    static void main(String[] args) {
        int seeds = (int) Stats.arg(args, "--seeds", 30);
        int trials = (int) Stats.arg(args, "--trials", 60);
        int proposals = (int) Stats.arg(args, "--proposals", 200);
        System.out.printf(
                Locale.ROOT, "# %d seeds x %d trials per sweep, best value found (lower is better)%n", seeds, trials);
        compare("branin", BRANIN, SweepSearchBench::branin, 0.397887, seeds, trials);
        compare("hartmann6", HARTMANN, SweepSearchBench::hartmann6, -3.32237, seeds, trials);
        proposalTime(proposals);
    }

    private static void compare(
            String function,
            String parameters,
            ToDoubleFunction<Map<String, Object>> f,
            double optimum,
            int seeds,
            int trials) {
        for (String method : List.of("random", "bayes")) {
            double[] best = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                best[s] = sweep(config(method, parameters), 1000 + s, f, trials);
            }
            Arrays.sort(best);
            System.out.printf(
                    Locale.ROOT,
                    "%-10s %-7s median %.5f  p25 %.5f  p75 %.5f  min %.5f  max %.5f  (optimum %.5f)%n",
                    function,
                    method,
                    Stats.median(best),
                    quantile(best, 0.25),
                    quantile(best, 0.75),
                    best[0],
                    best[seeds - 1],
                    optimum);
            Stats.result(
                    "sweep." + function + "." + method + ".median_best",
                    Stats.median(best),
                    "value",
                    "bayes below random");
        }
    }

    private static String config(String method, String parameters) {
        return "method: " + method + "\nmetric: {name: f, goal: minimize}\ncommand: ./f\n" + parameters;
    }

    private static double sweep(String config, long seed, ToDoubleFunction<Map<String, Object>> f, int budget) {
        TrialProposer proposer = SweepSearch.proposer();
        Sweep sweep = new Sweep("bench" + seed, "bench", "bench", config, seed, SweepState.RUNNING, 0, 0, "");
        List<Trial> history = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (int n = 1; n <= budget; n++) {
            Map<String, Object> params = ((Proposal.Next) proposer.propose(sweep, history)).params();
            double y = f.applyAsDouble(params);
            best = Math.min(best, y);
            history.add(new Trial(sweep.id(), n, params, TrialState.FINISHED, "a", "r" + n, 0, 0, 0, y, ""));
        }
        return best;
    }

    /** Proposal time with 200 finished trials: each proposal is one more trial of a Hartmann-6 sweep. */
    private static void proposalTime(int proposals) {
        TrialProposer proposer = SweepSearch.proposer();
        Sweep sweep = new Sweep("timing", "bench", "bench", config("bayes", HARTMANN), 7, SweepState.RUNNING, 0, 0, "");
        List<Trial> history = new ArrayList<>();
        for (int n = 1; n <= 200; n++) {
            Map<String, Object> params = ((Proposal.Next) proposer.propose(sweep, history)).params();
            history.add(
                    new Trial("timing", n, params, TrialState.FINISHED, "a", "r" + n, 0, 0, 0, hartmann6(params), ""));
        }
        for (int i = 0; i < 50; i++) {
            proposer.propose(
                    new Sweep("timing", "bench", "bench", sweep.config(), 1000 + i, SweepState.RUNNING, 0, 0, ""),
                    history);
        }
        // Thread CPU time beside wall time: on a shared machine the wall time's tail is mostly waiting.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] nanos = new long[proposals];
        long[] cpu = new long[proposals];
        for (int i = 0; i < proposals; i++) {
            Sweep seeded = new Sweep("timing", "bench", "bench", sweep.config(), i, SweepState.RUNNING, 0, 0, "");
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            proposer.propose(seeded, history);
            nanos[i] = System.nanoTime() - t0;
            cpu[i] = threads.getCurrentThreadCpuTime() - c0;
        }
        Arrays.sort(nanos);
        Arrays.sort(cpu);
        System.out.printf(
                Locale.ROOT,
                "propose with 200 finished trials (hartmann6, bayes), %d proposals: wall p50 %.3f ms"
                        + "  p95 %.3f ms  max %.3f ms; thread CPU p50 %.3f ms  p95 %.3f ms  max %.3f ms%n",
                proposals,
                Stats.percentile(nanos, 50) / 1e6,
                Stats.percentile(nanos, 95) / 1e6,
                nanos[proposals - 1] / 1e6,
                Stats.percentile(cpu, 50) / 1e6,
                Stats.percentile(cpu, 95) / 1e6,
                cpu[proposals - 1] / 1e6);
        Stats.result("sweep.propose.200.p50", Stats.percentile(nanos, 50) / 1e6, "ms", "<= 50 ms");
        Stats.result("sweep.propose.200.p95", Stats.percentile(nanos, 95) / 1e6, "ms", "<= 50 ms");
        importanceTime(history, threads);
    }

    /** Parameter importance (correlation and the forest) over the same 200 trials, as a sweep page asks. */
    private static void importanceTime(List<Trial> history, ThreadMXBean threads) {
        List<Map<String, Object>> params = history.stream().map(Trial::params).toList();
        List<Double> metric = history.stream().map(Trial::metric).toList();
        for (int i = 0; i < 5; i++) {
            Importance.of(params, metric);
        }
        int rounds = 20;
        long[] nanos = new long[rounds];
        long[] cpu = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            Importance.of(params, metric);
            nanos[i] = System.nanoTime() - t0;
            cpu[i] = threads.getCurrentThreadCpuTime() - c0;
        }
        Arrays.sort(nanos);
        Arrays.sort(cpu);
        System.out.printf(
                Locale.ROOT,
                "importance of 6 parameters over 200 trials, %d rounds: wall p50 %.1f ms  max %.1f ms; thread CPU p50 %.1f ms"
                        + "  max %.1f ms%n",
                rounds,
                Stats.percentile(nanos, 50) / 1e6,
                nanos[rounds - 1] / 1e6,
                Stats.percentile(cpu, 50) / 1e6,
                cpu[rounds - 1] / 1e6);
        Stats.result("sweep.importance.200.p50", Stats.percentile(nanos, 50) / 1e6, "ms", "none");
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    static double branin(Map<String, Object> p) {
        double x1 = ((Number) p.get("x1")).doubleValue();
        double x2 = ((Number) p.get("x2")).doubleValue();
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        double u = x2 - b * x1 * x1 + c * x1 - 6;
        return u * u + 10 * (1 - t) * Math.cos(x1) + 10;
    }

    static double hartmann6(Map<String, Object> p) {
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            double inner = 0;
            for (int j = 0; j < 6; j++) {
                double x = ((Number) p.get("x" + (j + 1))).doubleValue();
                inner += H_A[i][j] * (x - H_P[i][j]) * (x - H_P[i][j]);
            }
            sum += H_ALPHA[i] * Math.exp(-inner);
        }
        return -sum;
    }
}
