package dev.keel.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The searched parameters as the model-based search sees them: numeric ones on a line (the
 * logarithm for log-scaled ones, whole numbers and multiples of q widened by half a step so
 * every value owns an equal share), categorical ones as an index into their values. Fixed
 * parameters and single-valued lists are not searched.
 */
final class SearchSpace {

    /** One searched numeric parameter on [low, high]; {@code priorMu}/{@code priorSigma} shape the prior. */
    record Numeric(Parameter parameter, double low, double high, double priorMu, double priorSigma) {
        double width() {
            return high - low;
        }
    }

    /** One searched categorical parameter. */
    record Categorical(Parameter.Choice parameter) {
        int size() {
            return parameter.values().size();
        }
    }

    private final List<Parameter> all;
    final List<Numeric> numeric = new ArrayList<>();
    final List<Categorical> categorical = new ArrayList<>();

    SearchSpace(List<Parameter> parameters) {
        this.all = parameters;
        for (Parameter p : parameters) {
            if (p instanceof Parameter.Choice c) {
                if (c.values().size() > 1) {
                    categorical.add(new Categorical(c));
                }
            } else if (p instanceof Parameter.Uniform u) {
                numeric.add(flat(p, u.min(), u.max()));
            } else if (p instanceof Parameter.LogUniform l) {
                numeric.add(flat(p, StrictMath.log(l.min()), StrictMath.log(l.max())));
            } else if (p instanceof Parameter.IntUniform i) {
                numeric.add(flat(p, i.min() - 0.5, i.max() + 0.5));
            } else if (p instanceof Parameter.QUniform q) {
                numeric.add(flat(p, (q.lowestStep() - 0.5) * q.q(), (q.highestStep() + 0.5) * q.q()));
            } else if (p instanceof Parameter.Normal n) {
                // Five sigmas hold all but a millionth of the mass; bounds keep the kernels finite.
                numeric.add(new Numeric(p, n.mu() - 5 * n.sigma(), n.mu() + 5 * n.sigma(), n.mu(), n.sigma()));
            }
        }
    }

    private static Numeric flat(Parameter p, double low, double high) {
        if (high <= low) {
            high = low + 1e-12;
        }
        // A kernel as wide as the range is close to flat across it: the uniform prior, smoothed.
        return new Numeric(p, low, high, (low + high) / 2, high - low);
    }

    int numericCount() {
        return numeric.size();
    }

    int categoricalCount() {
        return categorical.size();
    }

    int dimensions() {
        return numeric.size() + categorical.size();
    }

    /**
     * A trial's parameters as a point, or null when they do not fit this space (a value missing,
     * of another type, or outside the range: the configuration changed since).
     */
    Point encode(Map<String, Object> params) {
        double[] x = new double[numeric.size()];
        int[] c = new int[categorical.size()];
        for (int d = 0; d < x.length; d++) {
            Numeric n = numeric.get(d);
            double v = Values.number(params.get(n.parameter().name()));
            if (n.parameter() instanceof Parameter.LogUniform) {
                v = v > 0 ? StrictMath.log(v) : Double.NaN;
            }
            if (!(v >= n.low() && v <= n.high())) {
                return null;
            }
            x[d] = v;
        }
        for (int d = 0; d < c.length; d++) {
            Categorical cat = categorical.get(d);
            Object v = params.get(cat.parameter().name());
            c[d] = -1;
            for (int i = 0; i < cat.size() && v != null; i++) {
                if (Values.key(cat.parameter().values().get(i)).equals(Values.key(v))) {
                    c[d] = i;
                }
            }
            if (c[d] < 0) {
                return null;
            }
        }
        return new Point(x, c);
    }

    /** A point as a trial's parameters, fixed ones included, in the configuration's order. */
    Map<String, Object> decode(Point point) {
        Map<String, Object> searched = new LinkedHashMap<>();
        for (int d = 0; d < numeric.size(); d++) {
            Numeric n = numeric.get(d);
            searched.put(n.parameter().name(), value(n.parameter(), point.x()[d]));
        }
        for (int d = 0; d < categorical.size(); d++) {
            Categorical cat = categorical.get(d);
            searched.put(cat.parameter().name(), cat.parameter().values().get(point.c()[d]));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Parameter p : all) {
            Object v = searched.get(p.name());
            // Not searched: a fixed value or a list of one.
            out.put(p.name(), v != null ? v : p.gridValues().get(0));
        }
        return out;
    }

    private static Object value(Parameter p, double x) {
        if (p instanceof Parameter.LogUniform l) {
            return Parameter.clamp(StrictMath.exp(x), l.min(), l.max());
        } else if (p instanceof Parameter.IntUniform i) {
            return Math.max(i.min(), Math.min(i.max(), Math.round(x)));
        } else if (p instanceof Parameter.QUniform q) {
            long k = Math.max(q.lowestStep(), Math.min(q.highestStep(), Math.round(x / q.q())));
            return q.valueOf(k);
        } else if (p instanceof Parameter.Uniform u) {
            return Parameter.clamp(x, u.min(), u.max());
        }
        return x;
    }

    /** Numeric coordinates and category indices. */
    record Point(double[] x, int[] c) {}
}
