package dev.keel.sweep;

import java.util.SplittableRandom;

/** The standard normal distribution's pieces the Parzen estimator needs. */
final class Normal {
    static final double LOG_SQRT_2PI = 0.5 * StrictMath.log(2 * Math.PI);

    private Normal() {}

    /** Φ(x), the standard normal distribution function. */
    static double cdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** log(Φ(b) − Φ(a)) for a ≤ b, computed on the tail the interval lies in so it stays finite. */
    static double logMass(double a, double b) {
        double mass = a > 0 ? cdf(-a) - cdf(-b) : cdf(b) - cdf(a);
        return StrictMath.log(Math.max(mass, 1e-300));
    }

    /**
     * The complementary error function, by the Chebyshev-fitted rational approximation of
     * Numerical Recipes (relative error below 1.2e-7 everywhere), ample for kernel weights.
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t
                * StrictMath.exp(
                        -z * z
                                - 1.26551223
                                + t
                                        * (1.00002368
                                                + t
                                                        * (0.37409196
                                                                + t
                                                                        * (0.09678418
                                                                                + t
                                                                                        * (-0.18628806
                                                                                                + t
                                                                                                        * (0.27886807
                                                                                                                + t
                                                                                                                        * (-1.13520398
                                                                                                                                + t
                                                                                                                                        * (1.48851587
                                                                                                                                                + t
                                                                                                                                                        * (-0.82215223
                                                                                                                                                                + t
                                                                                                                                                                        * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }

    /** A draw from N(mu, sigma²) restricted to [low, high]. */
    static double truncated(SplittableRandom random, double mu, double sigma, double low, double high) {
        for (int i = 0; i < 64; i++) {
            double v = mu + sigma * Parameter.gaussian(random);
            if (v >= low && v <= high) {
                return v;
            }
        }
        // Almost all the kernel's mass lies outside: inverting its distribution function is exact.
        double pa = cdf((low - mu) / sigma);
        double pb = cdf((high - mu) / sigma);
        double u = pa + random.nextDouble() * (pb - pa);
        return Parameter.clamp(mu + sigma * inverseCdf(u), low, high);
    }

    /** Φ⁻¹(p) by bisection on {@link #cdf}: rarely needed, so simple beats fast. */
    static double inverseCdf(double p) {
        double lo = -40;
        double hi = 40;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (cdf(mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }
}
