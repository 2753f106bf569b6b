package dev.keel.sweep;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One searched (or fixed) parameter of a sweep and its distribution. Values are Long, Double,
 * String or Boolean, the types a trial's parameters are stored with.
 */
sealed interface Parameter {
    /** The flattened, dotted name ({@code optimizer.lr}). */
    String name();

    /** The distribution's name as the configuration writes it. */
    String distribution();

    /** A value drawn from the distribution. */
    Object sample(SplittableRandom random);

    /** The points a grid visits, or null when the distribution is continuous. */
    default List<Object> gridValues() {
        return null;
    }

    /** {@code value: x}: not searched, every trial gets it. */
    record Fixed(String name, Object value) implements Parameter {
        @Override
        public String distribution() {
            return "fixed";
        }

        @Override
        public Object sample(SplittableRandom random) {
            return value;
        }

        @Override
        public List<Object> gridValues() {
            return List.of(value);
        }
    }

    /** {@code values: [...]} or {@code distribution: categorical}: one of a list, unordered. */
    record Choice(String name, List<Object> values) implements Parameter {
        @Override
        public String distribution() {
            return "categorical";
        }

        @Override
        public Object sample(SplittableRandom random) {
            return values.get(random.nextInt(values.size()));
        }

        @Override
        public List<Object> gridValues() {
            return values;
        }
    }

    /** {@code distribution: uniform}: a double in [min, max]. */
    record Uniform(String name, double min, double max) implements Parameter {
        @Override
        public String distribution() {
            return "uniform";
        }

        @Override
        public Object sample(SplittableRandom random) {
            return min + random.nextDouble() * (max - min);
        }
    }

    /** {@code distribution: int_uniform}: a whole number in [min, max], both ends included. */
    record IntUniform(String name, long min, long max) implements Parameter {
        @Override
        public String distribution() {
            return "int_uniform";
        }

        @Override
        public Object sample(SplittableRandom random) {
            return min + random.nextLong(max - min + 1);
        }

        @Override
        public List<Object> gridValues() {
            List<Object> out = new ArrayList<>();
            for (long v = min; v <= max; v++) {
                out.add(v);
            }
            return out;
        }
    }

    /** {@code distribution: log_uniform_values}: a double whose logarithm is uniform in [log min, log max]. */
    record LogUniform(String name, double min, double max) implements Parameter {
        @Override
        public String distribution() {
            return "log_uniform_values";
        }

        @Override
        public Object sample(SplittableRandom random) {
            double lo = StrictMath.log(min);
            double hi = StrictMath.log(max);
            return clamp(StrictMath.exp(lo + random.nextDouble() * (hi - lo)), min, max);
        }
    }

    /**
     * {@code distribution: q_uniform}: a multiple of q in [min, max]. Values are Long when min, max
     * and q were all written as whole numbers, otherwise Double computed in decimal so that
     * {@code q: 0.1} gives {@code 0.3} and not {@code 0.30000000000000004}.
     */
    record QUniform(String name, double min, double max, double q, boolean integral) implements Parameter {
        @Override
        public String distribution() {
            return "q_uniform";
        }

        long lowestStep() {
            return (long) Math.ceil(min / q - 1e-9);
        }

        long highestStep() {
            return (long) Math.floor(max / q + 1e-9);
        }

        /** The value of multiple {@code k} of q. */
        Object valueOf(long k) {
            if (integral) {
                return k * (long) q;
            }
            return BigDecimal.valueOf(q).multiply(BigDecimal.valueOf(k)).doubleValue();
        }

        @Override
        public Object sample(SplittableRandom random) {
            return valueOf(lowestStep() + random.nextLong(highestStep() - lowestStep() + 1));
        }

        @Override
        public List<Object> gridValues() {
            List<Object> out = new ArrayList<>();
            for (long k = lowestStep(); k <= highestStep(); k++) {
                out.add(valueOf(k));
            }
            return out;
        }
    }

    /** {@code distribution: normal}: a double drawn from N(mu, sigma²). */
    record Normal(String name, double mu, double sigma) implements Parameter {
        @Override
        public String distribution() {
            return "normal";
        }

        @Override
        public Object sample(SplittableRandom random) {
            return mu + sigma * gaussian(random);
        }
    }

    static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** A standard normal deviate (Box–Muller), from SplittableRandom which has none of its own. */
    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }
}
