package dev.keel.internal.system;

import dev.keel.core.KeelException;
import oshi.SystemInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Samples system metrics in the background and hands each sample to a sink, e.g. the run's
 * queue. Keys are listed in {@code docs/system-metrics.md}.
 *
 * <pre>
 * try (SystemMonitor monitor = SystemMonitor.start(home.root(), SystemMonitor.DEFAULT_INTERVAL,
 *         sample -&gt; run.logSystem(sample))) {
 *     ... train ...
 * }
 * </pre>
 *
 * <p>Policies: everything (OSHI's slow first initialisation included) happens on the monitor's own
 * daemon thread, so {@link #start} returns at once; the first sample comes one interval after the
 * start; nothing is ever thrown to the caller: a probe that fails is skipped for that sample, and
 * one that cannot even be set up is left out. The sink is called on the monitor thread and should
 * not block for long (an interval is missed meanwhile, not queued).
 */
public final class SystemMonitor implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    /** On first use (the monitor's own thread): the platform logging it starts is not the caller's to pay for. */
    private static final class Log {
        static final System.Logger LOG = System.getLogger(SystemMonitor.class.getName());
    }

    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    private SystemMonitor(Path storePath, Duration interval, Consumer<Map<String, Double>> sink, String pathVariable) {
        this.thread = new Thread(() -> loop(storePath, interval, sink, pathVariable), "keel-system-monitor");
        thread.setDaemon(true);
    }

    /**
     * Starts sampling every {@code interval} (see {@link #DEFAULT_INTERVAL}); disk figures are for
     * the filesystem and disk holding {@code storePath} (the Keel store folder; it may not exist yet).
     */
    public static SystemMonitor start(Path storePath, Duration interval, Consumer<Map<String, Double>> sink) {
        return start(storePath, interval, sink, System.getenv("PATH"));
    }

    static SystemMonitor start(
            Path storePath, Duration interval, Consumer<Map<String, Double>> sink, String pathVariable) {
        if (interval.isNegative() || interval.isZero()) {
            throw KeelException.invalid("the system metrics interval must be positive, got " + interval
                    + ": give a positive duration, or turn system metrics off instead");
        }
        SystemMonitor monitor = new SystemMonitor(storePath, interval, sink, pathVariable);
        monitor.thread.start();
        return monitor;
    }

    /** Stops sampling and waits briefly for the thread; a sample in progress is finished, not cut. */
    @Override
    public void close() {
        stop.countDown();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    private void loop(Path storePath, Duration interval, Consumer<Map<String, Double>> sink, String pathVariable) {
        List<Probe> probes = probes(storePath, pathVariable);
        try {
            while (!stop.await(interval.toNanos(), TimeUnit.NANOSECONDS)) {
                Map<String, Double> sample = new LinkedHashMap<>();
                for (Probe probe : probes) {
                    try {
                        probe.sample(sample);
                    } catch (Exception | LinkageError e) {
                        Log.LOG.log(
                                System.Logger.Level.DEBUG,
                                "system probe " + probe.getClass().getSimpleName() + " failed; skipped for this sample",
                                e);
                    }
                }
                if (!sample.isEmpty()) {
                    try {
                        sink.accept(Collections.unmodifiableMap(sample));
                    } catch (RuntimeException e) {
                        Log.LOG.log(System.Logger.Level.DEBUG, "system metrics sink failed", e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sets up every probe that can be; OSHI may be unusable (no native access), the JVM probes still work. */
    static List<Probe> probes(Path storePath, String pathVariable) {
        List<Probe> probes = new ArrayList<>();
        SystemInfo si = null;
        try {
            si = new SystemInfo();
        } catch (RuntimeException | LinkageError e) {
            Log.LOG.log(System.Logger.Level.DEBUG, "OSHI unavailable; only JVM and disk usage metrics", e);
        }
        if (si != null) {
            SystemInfo s = si;
            add(probes, () -> new OshiProbes.Cpu(s));
            add(probes, () -> new OshiProbes.Process(s));
            add(probes, () -> new OshiProbes.Memory(s));
            add(probes, () -> new OshiProbes.DiskIo(s, storePath));
            add(probes, () -> new OshiProbes.Network(s));
        }
        add(probes, OshiProbes.Heap::new);
        add(probes, () -> {
            try {
                return new OshiProbes.DiskUsage(storePath);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        NvidiaSmi.find(pathVariable).ifPresent(exe -> probes.add(new GpuProbe(exe)));
        return probes;
    }

    private static void add(List<Probe> probes, Supplier<Probe> factory) {
        try {
            probes.add(factory.get());
        } catch (RuntimeException | LinkageError e) {
            Log.LOG.log(System.Logger.Level.DEBUG, "system probe unavailable", e);
        }
    }
}
