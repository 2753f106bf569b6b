package dev.keel.store.sql;

/**
 * Puts a decoded series into step order, keeping logging order among equal steps. Series are
 * almost always logged in order already, so the check comes first and the sort is rare.
 */
final class StepOrder {
    private StepOrder() {}

    static void sort(long[] steps, long[] timestamps, double[] values, int n) {
        boolean sorted = true;
        for (int i = 1; i < n && sorted; i++) {
            sorted = steps[i - 1] <= steps[i];
        }
        if (sorted) {
            return;
        }
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        mergeSort(idx, new int[n], 0, n, steps);
        long[] s = steps.clone();
        long[] t = timestamps.clone();
        double[] v = values.clone();
        for (int i = 0; i < n; i++) {
            steps[i] = s[idx[i]];
            timestamps[i] = t[idx[i]];
            values[i] = v[idx[i]];
        }
    }

    /** Stable merge sort of the indices {@code idx[from..to)} by {@code keys[idx]}. */
    private static void mergeSort(int[] idx, int[] tmp, int from, int to, long[] keys) {
        if (to - from < 2) {
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(idx, tmp, from, mid, keys);
        mergeSort(idx, tmp, mid, to, keys);
        if (keys[idx[mid - 1]] <= keys[idx[mid]]) {
            return;
        }
        System.arraycopy(idx, from, tmp, from, to - from);
        int a = from;
        int b = mid;
        for (int k = from; k < to; k++) {
            if (b >= to || (a < mid && keys[tmp[a]] <= keys[tmp[b]])) {
                idx[k] = tmp[a++];
            } else {
                idx[k] = tmp[b++];
            }
        }
    }
}
