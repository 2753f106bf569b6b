package dev.keel.sweep;

import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Trial;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One search method over a parsed configuration; deterministic for a seed and a history. The
 * searches use StrictMath for exp, log, pow and cos: Math may differ in the last bit between
 * CPUs, and an embedded store and a server must propose the same trial from the same history.
 */
interface Search {
    Proposal propose(long seed, List<Trial> trials);

    /** The number the proposed trial will get: trial numbers are handed out in order and never reused. */
    static int nextNumber(List<Trial> trials) {
        int max = 0;
        for (Trial t : trials) {
            max = Math.max(max, t.number());
        }
        return max + 1;
    }

    /** A generator for one trial, independent of every other trial's (SplitMix64 finaliser). */
    static SplittableRandom random(long seed, int number, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * number + 0xD1B54A32D192ED03L * stream;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }
}
