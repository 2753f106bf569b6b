package dev.keel.examples.apparel.datasets;

import java.util.SplittableRandom;

/**
 * Seeded permutations. Each permutation is a pure function of (seed, stream), so the shuffle of
 * any epoch can be rebuilt from the seed and the epoch number alone: a checkpoint needs to store
 * no generator state for data order.
 */
public final class Shuffles {
    private Shuffles() {}

    /** A permutation of {@code 0..n-1}, the same for the same seed and stream. */
    public static int[] permutation(int n, long seed, long stream) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom random = new SplittableRandom(mix(seed, stream));
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Combines a seed and a stream number into a well-spread 64-bit seed (SplitMix64 finaliser). */
    public static long mix(long seed, long stream) {
        long z = seed * 0x9E3779B97F4A7C15L + stream + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
