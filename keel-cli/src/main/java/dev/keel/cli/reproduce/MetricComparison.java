package dev.keel.cli.reproduce;

import dev.keel.core.MetricSeries;
import dev.keel.core.store.Store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Compares two runs' metric histories point by point (system metrics aside): <b>identical</b>
 * when every point is bitwise equal, <b>within tolerance</b> when every value is within
 * {@code rtol} of the other's (relative to the larger magnitude) at the same steps, else
 * <b>diverged</b> at the first step where a metric differs (for equal steps, the first key in
 * alphabetical order), with both values.
 *
 * <p>Timing metrics ({@code epoch_time_s}, {@code step_duration_ms}, {@code samples_per_s}…)
 * measure the machine, not the result: they are left out of the verdict and named as not
 * compared, so a deterministic program's reproduction can come out identical.
 */
public final class MetricComparison {
    /** The last part of a metric key that names a duration or a rate. */
    private static final Pattern TIMING = Pattern.compile(
            "(?:^|[_./])(?:time|duration|elapsed|seconds|throughput)(?:_(?:s|ms|sec|secs|seconds))?$|_per_(?:s|sec|second)$");

    public enum Kind {
        IDENTICAL,
        WITHIN_TOLERANCE,
        DIVERGED,
        NO_METRICS
    }

    /**
     * The verdict; for {@code DIVERGED} the key, step and both values ({@code null}: that run has
     * no point there); {@code maxRelative} is the largest relative difference seen.
     */
    public record Verdict(
            Kind kind,
            String key,
            long step,
            Double left,
            Double right,
            int points,
            double maxRelative,
            List<String> notCompared) {
        public String text(String leftRun, String rightRun) {
            return verdictText(leftRun, rightRun)
                    + (notCompared.isEmpty()
                            ? ""
                            : " (timing metrics not compared: " + String.join(", ", notCompared) + ")");
        }

        private String verdictText(String leftRun, String rightRun) {
            return switch (kind) {
                case IDENTICAL -> "identical: all " + points + " metric points are bitwise equal";
                case WITHIN_TOLERANCE ->
                    "within tolerance: all " + points + " metric points agree within rtol "
                            + "(largest relative difference " + maxRelative + ")";
                case NO_METRICS -> "nothing to compare: neither run logged a metric";
                case DIVERGED ->
                    "diverged at step " + step + ": " + key + " = " + shown(left) + " in " + leftRun + ", "
                            + shown(right) + " in " + rightRun;
            };
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("verdict", kind.name().toLowerCase(Locale.ROOT));
            m.put("points", points);
            m.put("max_relative_difference", maxRelative);
            m.put("not_compared", notCompared);
            if (kind == Kind.DIVERGED) {
                m.put("key", key);
                m.put("step", step);
                m.put("left", left);
                m.put("right", right);
            }
            return m;
        }

        private static String shown(Double v) {
            return v == null ? "no point" : String.valueOf(v);
        }
    }

    private record Difference(String key, long step, Double left, Double right) {}

    private MetricComparison() {}

    /**
     * Compares the points at steps up to {@code maxStep} ({@code Long.MAX_VALUE} for all);
     * {@code rtol} null asks for bitwise equality only.
     */
    public static Verdict compare(Store store, String left, String right, long maxStep, Double rtol) {
        TreeSet<String> keys = new TreeSet<>();
        TreeSet<String> timing = new TreeSet<>();
        for (String k : store.metricKeys(left)) {
            if (!k.startsWith("system/")) {
                (isTiming(k) ? timing : keys).add(k);
            }
        }
        for (String k : store.metricKeys(right)) {
            if (!k.startsWith("system/")) {
                (isTiming(k) ? timing : keys).add(k);
            }
        }
        List<String> notCompared = List.copyOf(timing);
        List<Difference> bitwise = new ArrayList<>();
        List<Difference> beyond = new ArrayList<>();
        int points = 0;
        double maxRelative = 0;
        for (String key : keys) {
            MetricSeries a = store.history(left, key);
            MetricSeries b = store.history(right, key);
            int na = count(a, maxStep);
            int nb = count(b, maxStep);
            Difference firstBitwise = null;
            Difference firstBeyond = null;
            int i = 0;
            for (; i < Math.min(na, nb); i++) {
                points++;
                long sa = a.steps()[i];
                long sb = b.steps()[i];
                double va = a.values()[i];
                double vb = b.values()[i];
                if (sa != sb) {
                    Difference d = sa < sb ? new Difference(key, sa, va, null) : new Difference(key, sb, null, vb);
                    firstBitwise = firstBitwise == null ? d : firstBitwise;
                    firstBeyond = firstBeyond == null ? d : firstBeyond;
                    break;
                }
                if (Double.doubleToLongBits(va) != Double.doubleToLongBits(vb)) {
                    Difference d = new Difference(key, sa, va, vb);
                    firstBitwise = firstBitwise == null ? d : firstBitwise;
                    double rel = relative(va, vb);
                    maxRelative = Math.max(maxRelative, rel);
                    if ((rtol == null || !(rel <= rtol)) && firstBeyond == null) {
                        firstBeyond = d;
                    }
                }
            }
            if (firstBeyond == null && na != nb && i == Math.min(na, nb)) {
                Difference d = na > nb
                        ? new Difference(key, a.steps()[i], a.values()[i], null)
                        : new Difference(key, b.steps()[i], null, b.values()[i]);
                firstBitwise = firstBitwise == null ? d : firstBitwise;
                firstBeyond = d;
            }
            if (firstBitwise != null) {
                bitwise.add(firstBitwise);
            }
            if (firstBeyond != null) {
                beyond.add(firstBeyond);
            }
        }
        if (keys.isEmpty()) {
            return new Verdict(Kind.NO_METRICS, null, -1, null, null, 0, 0, notCompared);
        }
        if (bitwise.isEmpty()) {
            return new Verdict(Kind.IDENTICAL, null, -1, null, null, points, 0, notCompared);
        }
        if (beyond.isEmpty()) {
            return new Verdict(Kind.WITHIN_TOLERANCE, null, -1, null, null, points, maxRelative, notCompared);
        }
        Difference first = beyond.get(0);
        for (Difference d : beyond) {
            if (d.step() < first.step()) { // keys are visited in order, so ties keep the first key
                first = d;
            }
        }
        return new Verdict(
                Kind.DIVERGED,
                first.key(),
                first.step(),
                first.left(),
                first.right(),
                points,
                maxRelative,
                notCompared);
    }

    /** Whether a metric key names a duration or a rate, which differ between any two runs. */
    static boolean isTiming(String key) {
        return TIMING.matcher(key).find();
    }

    /** |a − b| / max(|a|, |b|); infinite for NaN against a number or infinities of opposite sign. */
    static double relative(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || Double.isInfinite(a) || Double.isInfinite(b)) {
            return Double.doubleToLongBits(a) == Double.doubleToLongBits(b) ? 0 : Double.POSITIVE_INFINITY;
        }
        double scale = Math.max(Math.abs(a), Math.abs(b));
        return scale == 0 ? 0 : Math.abs(a - b) / scale;
    }

    private static int count(MetricSeries s, long maxStep) {
        int n = 0;
        while (n < s.size() && s.steps()[n] <= maxStep) {
            n++;
        }
        return n;
    }
}
