package dev.keel.core;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;

/** Random identifiers: 8 base-36 characters for runs and sweeps (36^8 ≈ 2.8e12 values). */
public final class Ids {
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int LENGTH = 8;
    /** Bytes at or above this are skipped, so that every character is equally likely. */
    private static final int BYTE_LIMIT = 256 - 256 % ALPHABET.length;

    private Ids() {}

    /** A new run id such as {@code 6v8m5w0s}. */
    public static String newRunId() {
        char[] out = new char[LENGTH];
        int n = 0;
        while (n < LENGTH) {
            for (byte b : randomBytes(2 * LENGTH)) {
                int v = b & 0xff;
                if (v < BYTE_LIMIT && n < LENGTH) {
                    out[n++] = ALPHABET[v % ALPHABET.length];
                }
            }
        }
        return new String(out);
    }

    /**
     * The kernel's random bytes where it has them: {@code SecureRandom}'s first use loads the
     * security providers and seeds a SHA1PRNG to mix in, a large part of a fresh JVM's first
     * run id, for the same bytes.
     */
    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        try (InputStream in = new FileInputStream("/dev/urandom")) {
            if (in.readNBytes(bytes, 0, count) == count) {
                return bytes;
            }
        } catch (IOException | SecurityException e) {
            // not a Unix system, or not allowed: the JDK's source
        }
        Fallback.RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Made only where the kernel's source is missing. */
    private static final class Fallback {
        static final SecureRandom RANDOM = new SecureRandom();
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
