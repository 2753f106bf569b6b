package dev.keel.serve.internal;

import dev.keel.Run;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Logs each interval's statistics into the serving run: request rate, latency percentiles,
 * batch sizes, errors, the predicted classes' shares, the histogram of inputs' mean pixel
 * intensity, and their drift (PSI) against the training data's statistics when the version
 * carries them (from intervals of at least {@value #MIN_FOR_DRIFT} answers). Metric names start with {@code serve/}; an interval without requests logs the
 * rate (0) and the served version only.
 */
final class Monitor implements AutoCloseable {
    /** Fewer answers than this in an interval leave most bins empty, and PSI then reads noise as drift. */
    static final int MIN_FOR_DRIFT = 100;

    private final Run run;
    private final ServeMetrics metrics;
    private final Versions versions;
    private final ScheduledExecutorService timer;

    Monitor(Run run, ServeMetrics metrics, Versions versions, long intervalMs) {
        this.run = run;
        this.metrics = metrics;
        this.versions = versions;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keel-serve-monitor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::logInterval, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        metrics.take();
    }

    void logInterval() {
        try {
            LoadedVersion v = versions.current();
            if (v != null) {
                run.log(interval(metrics.take(), v.baseline(), v.version().version()));
            }
        } catch (RuntimeException e) {
            System.err.println("keel serve: cannot log the interval's statistics: " + e.getMessage());
        }
    }

    /** One interval's statistics as run metrics. */
    static Map<String, Number> interval(ServeMetrics.Window w, Baseline baseline, int version) {
        Map<String, Number> m = new LinkedHashMap<>();
        long requests = w.requests.sum();
        m.put("serve/version", version);
        m.put("serve/requests_per_s", requests / Math.max(1e-3, w.seconds()));
        if (requests == 0) {
            return m;
        }
        m.put("serve/requests", requests);
        m.put("serve/errors", w.errors.sum());
        double[] p = w.latencies.percentilesMs(50, 90, 99);
        if (p.length == 3) {
            m.put("serve/latency_p50_ms", p[0]);
            m.put("serve/latency_p90_ms", p[1]);
            m.put("serve/latency_p99_ms", p[2]);
        }
        long batches = w.batches.sum();
        if (batches > 0) {
            m.put("serve/batch_size_mean", (double) w.batched.sum() / batches);
            m.put("serve/batch_size_max", w.maxBatch.get());
        }
        Map<String, Long> classes = w.classCounts();
        long predicted = classes.values().stream().mapToLong(Long::longValue).sum();
        if (predicted > 0) {
            classes.forEach((c, n) -> m.put("serve/class/" + metricName(c), (double) n / predicted));
        }
        long[] intensity = w.intensityCounts();
        long seen = 0;
        for (long n : intensity) {
            seen += n;
        }
        if (seen > 0) {
            double mean = 0;
            for (int i = 0; i < intensity.length; i++) {
                double share = (double) intensity[i] / seen;
                m.put(String.format("serve/input_mean_bin_%02d", i), share);
                mean += share * (i + 0.5) * 256 / intensity.length;
            }
            m.put("serve/input_mean_intensity", mean);
        }
        if (baseline.intensity().length > 0 && seen >= MIN_FOR_DRIFT) {
            m.put("serve/drift_psi_input_mean", Drift.psi(baseline.intensity(), intensity));
        }
        if (!baseline.classes().isEmpty() && predicted >= MIN_FOR_DRIFT) {
            m.put("serve/drift_psi_class", Drift.psi(baseline.classes(), classes));
        }
        return m;
    }

    /** A class name as a metric name part: letters, digits, '_' and '-' kept, anything else '_'. */
    static String metricName(String className) {
        return className.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
