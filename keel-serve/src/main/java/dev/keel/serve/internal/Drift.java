package dev.keel.serve.internal;

import java.util.List;
import java.util.Map;

/**
 * Population stability index between the training data's distribution (expected) and what was
 * served in an interval (actual): {@code sum((a - e) * ln(a / e))} over bins, each share floored
 * at {@value #FLOOR} so an empty bin does not make it infinite. Read as usual: below 0.1 stable,
 * 0.1–0.25 a moderate shift, above 0.25 a large one.
 */
final class Drift {
    static final double FLOOR = 1e-4;

    private Drift() {}

    /** PSI of counts against expected shares; NaN when there are no counts. */
    static double psi(double[] expected, long[] actual) {
        long total = 0;
        for (long a : actual) {
            total += a;
        }
        if (total == 0 || expected.length != actual.length) {
            return Double.NaN;
        }
        double expectedTotal = 0;
        for (double e : expected) {
            expectedTotal += e;
        }
        double psi = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = Math.max(FLOOR, expected[i] / expectedTotal);
            double a = Math.max(FLOOR, (double) actual[i] / total);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /** PSI over the expected classes' shares; a class the baseline lacks is ignored. */
    static double psi(Map<String, Double> expected, Map<String, Long> actual) {
        List<String> names = List.copyOf(expected.keySet());
        double[] e = new double[names.size()];
        long[] a = new long[names.size()];
        for (int i = 0; i < names.size(); i++) {
            e[i] = expected.get(names.get(i));
            a[i] = actual.getOrDefault(names.get(i), 0L);
        }
        return psi(e, a);
    }
}
