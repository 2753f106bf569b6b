package dev.keel.data.internal;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Phase timings on stderr when {@code -Dkeel.data.trace=true}; for tuning, off by default. Each
 * line shows wall time and the process's CPU time (all threads, JIT and GC included), which a
 * busy machine distorts less. {@link #mark} times the calling thread's phases; {@link #count}
 * sums time spent by helper threads, printed (and reset) with the next mark.
 */
public final class Trace {
    private static final boolean ON = Boolean.getBoolean("keel.data.trace");
    private static final Map<String, LongAdder> COUNTERS = new ConcurrentSkipListMap<>();
    private long last = System.nanoTime();
    private long lastCpu = ON ? cpu() : 0;

    void mark(String phase) {
        if (ON) {
            long now = System.nanoTime();
            long cpu = cpu();
            System.err.printf(
                    "  [trace] %-28s %6.1f ms  (cpu %6.1f ms)%n", phase, (now - last) / 1e6, (cpu - lastCpu) / 1e6);
            COUNTERS.forEach((k, v) -> System.err.printf("  [trace]   %-32s %6.1f ms%n", k, v.sumThenReset() / 1e6));
            COUNTERS.clear();
            last = now;
            lastCpu = cpu;
        }
    }

    /**
     * One line with the time since the JVM started and the process's CPU so far: what the JVM,
     * the command line and opening the store cost before {@code phase} begins.
     */
    public static void sinceStart(String phase) {
        if (ON) {
            System.err.printf(
                    "  [trace] %-28s %6d ms  (cpu %6.1f ms) since the JVM started%n",
                    phase, ManagementFactory.getRuntimeMXBean().getUptime(), cpu() / 1e6);
        }
    }

    static void count(String what, long nanos) {
        if (ON) {
            COUNTERS.computeIfAbsent(what, k -> new LongAdder()).add(nanos);
        }
    }

    /** The calling thread's CPU time in nanoseconds while tracing, else 0: for {@link #count} of a stage's CPU. */
    static long threadCpu() {
        return ON ? ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : 0;
    }

    private static long cpu() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : 0;
    }
}
