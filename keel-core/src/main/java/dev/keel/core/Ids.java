package dev.keel.core;

import java.security.SecureRandom;

/** Random identifiers: 8 base-36 characters for runs and sweeps (36^8 ≈ 2.8e12 values). */
public final class Ids {
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int LENGTH = 8;

    private Ids() {}

    /** A new run id such as {@code 6v8m5w0s}. */
    public static String newRunId() {
        char[] out = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }

    /** True when {@code id} has the shape of a run id. */
    public static boolean isRunId(String id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }
}
