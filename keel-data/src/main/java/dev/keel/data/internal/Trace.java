package dev.keel.data.internal;

/**
 * Phase timings on stderr when {@code -Dkeel.data.trace=true}; for tuning, off by default. Each
 * line shows wall time and the process's CPU time (all threads, JIT and GC included), which a
 * busy machine distorts less.
 */
final class Trace {
    private static final boolean ON = Boolean.getBoolean("keel.data.trace");
    private long last = System.nanoTime();
    private long lastCpu = ON ? cpu() : 0;

    void mark(String phase) {
        if (ON) {
            long now = System.nanoTime();
            long cpu = cpu();
            System.err.printf("  [trace] %-28s %6.1f ms  (cpu %6.1f ms)%n", phase, (now - last) / 1e6, (cpu - lastCpu) / 1e6);
            last = now;
            lastCpu = cpu;
        }
    }

    private static long cpu() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }
}
