package dev.keel.bench;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of every thread other than the measuring one, over a tracked trial: what the
 * tracking costs on the other cores while the loop runs (a thread that ended during the trial
 * is missed, so the process total is printed too).
 */
final class ThreadCpu {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private Map<Long, Long> atLoop = new HashMap<>();
    private Map<Long, Long> atEnd = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private long processAtStart;
    private long processAtLoop;
    private long processAtEnd;
    private long mainAtLoop;
    private long mainAtEnd;

    void mark() {
        processAtStart = os.getProcessCpuTime();
    }

    void markLoop() {
        processAtLoop = os.getProcessCpuTime();
        mainAtLoop = mx.getCurrentThreadCpuTime();
        atLoop = snapshot();
    }

    void endLoop() {
        atEnd = snapshot();
        mainAtEnd = mx.getCurrentThreadCpuTime();
        processAtEnd = os.getProcessCpuTime();
    }

    private Map<Long, Long> snapshot() {
        Map<Long, Long> cpu = new HashMap<>();
        long self = Thread.currentThread().getId();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null || info.getThreadId() == self) {
                continue;
            }
            long t = mx.getThreadCpuTime(info.getThreadId());
            if (t >= 0) {
                cpu.put(info.getThreadId(), t);
                names.put(info.getThreadId(), info.getThreadName());
            }
        }
        return cpu;
    }

    void report(int trial, double initMs, double loopMs) {
        Map<String, Long> byName = new TreeMap<>();
        for (Map.Entry<Long, Long> e : atEnd.entrySet()) {
            long d = e.getValue() - atLoop.getOrDefault(e.getKey(), 0L);
            if (d > 1_000_000) {
                byName.merge(names.get(e.getKey()).replaceAll("\\\\d+$", "#"), d, Long::sum);
            }
        }
        StringBuilder sb = new StringBuilder();
        byName.forEach((n, d) -> sb.append(String.format(" %s=%.0f", n, d / 1e6)));
        System.out.printf(
                "trial %d: init %.0f ms (process cpu %.0f ms); loop %.0f ms, main cpu %.0f ms,"
                        + " other threads cpu %.0f ms:%s%n",
                trial,
                initMs,
                (processAtLoop - processAtStart) / 1e6,
                loopMs,
                (mainAtEnd - mainAtLoop) / 1e6,
                (processAtEnd - processAtLoop - (mainAtEnd - mainAtLoop)) / 1e6,
                sb);
    }
}
