package dev.keel.data.internal;

/** Phase timings on stderr when {@code -Dkeel.data.trace=true}; for tuning, off by default. */
final class Trace {
    private static final boolean ON = Boolean.getBoolean("keel.data.trace");
    private long last = System.nanoTime();

    void mark(String phase) {
        if (ON) {
            long now = System.nanoTime();
            System.err.printf("  [trace] %-28s %6.1f ms%n", phase, (now - last) / 1e6);
            last = now;
        }
    }
}
