package dev.keel.serve.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * What the server counts: cumulative series for {@code /metrics} (Prometheus text) and, for the
 * run, the same observations per interval ({@link #take()} hands the interval's window over and
 * starts a new one).
 */
final class ServeMetrics {
    /** Latency buckets, seconds. */
    static final double[] LATENCY_BUCKETS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};

    static final int[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128};
    /** Bins of mean pixel intensity, 0–255, for the input statistics. */
    static final int INTENSITY_BINS = 16;

    private final LongAdder[] latencyCounts = adders(LATENCY_BUCKETS.length + 1);
    private final LongAdder latencySumMicros = new LongAdder();
    private final LongAdder[] batchCounts = adders(BATCH_BUCKETS.length + 1);
    private final LongAdder batchSum = new LongAdder();
    private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> classes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> loads = new ConcurrentHashMap<>();
    private final AtomicLong servedVersion = new AtomicLong();
    private volatile IntSupplier queueDepth = () -> 0;
    private volatile Window window = new Window();

    /** One interval's observations. */
    static final class Window {
        final long startedNanos = System.nanoTime();
        final LatencySample latencies = new LatencySample(100_000);
        final LongAdder requests = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder batches = new LongAdder();
        final LongAdder batched = new LongAdder();
        final AtomicLong maxBatch = new AtomicLong();
        final Map<String, LongAdder> classes = new ConcurrentHashMap<>();
        final LongAdder[] intensity = adders(INTENSITY_BINS);

        double seconds() {
            return (System.nanoTime() - startedNanos) / 1e9;
        }

        long[] intensityCounts() {
            return Arrays.stream(intensity).mapToLong(LongAdder::sum).toArray();
        }

        Map<String, Long> classCounts() {
            Map<String, Long> out = new TreeMap<>();
            classes.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }
    }

    void queueDepth(IntSupplier supplier) {
        this.queueDepth = supplier;
    }

    void servedVersion(int version) {
        servedVersion.set(version);
    }

    void load(String outcome) {
        loads.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    /** One answered prediction request (any status). */
    void request(int status, long nanos) {
        double s = nanos / 1e9;
        int i = 0;
        while (i < LATENCY_BUCKETS.length && s > LATENCY_BUCKETS[i]) {
            i++;
        }
        latencyCounts[i].increment();
        latencySumMicros.add(nanos / 1000);
        responses.computeIfAbsent(status, k -> new LongAdder()).increment();
        Window w = window;
        w.requests.increment();
        w.latencies.add(nanos / 1000);
        if (status >= 400) {
            w.errors.increment();
        }
    }

    void batch(int size) {
        int i = 0;
        while (i < BATCH_BUCKETS.length && size > BATCH_BUCKETS[i]) {
            i++;
        }
        batchCounts[i].increment();
        batchSum.add(size);
        Window w = window;
        w.batches.increment();
        w.batched.add(size);
        w.maxBatch.accumulateAndGet(size, Math::max);
    }

    /** One successful prediction: its class and the mean intensity (0–255, NaN when unknown) of its input. */
    void prediction(String className, double meanIntensity) {
        classes.computeIfAbsent(className, k -> new LongAdder()).increment();
        Window w = window;
        w.classes.computeIfAbsent(className, k -> new LongAdder()).increment();
        if (!Double.isNaN(meanIntensity)) {
            int bin = (int) Math.min(INTENSITY_BINS - 1, Math.max(0, meanIntensity * INTENSITY_BINS / 256));
            w.intensity[bin].increment();
        }
    }

    /** The interval so far; a new one starts. */
    Window take() {
        Window w = window;
        window = new Window();
        return w;
    }

    /** The Prometheus text exposition of every series. */
    String prometheus(String model) {
        StringBuilder b = new StringBuilder();
        String m = "model=\"" + escape(model) + "\"";
        b.append("# HELP keel_serve_requests_total Prediction requests answered, by HTTP status.\n");
        b.append("# TYPE keel_serve_requests_total counter\n");
        new TreeMap<>(responses)
                .forEach((status, n) -> b.append("keel_serve_requests_total{")
                        .append(m)
                        .append(",status=\"")
                        .append(status)
                        .append("\"} ")
                        .append(n.sum())
                        .append('\n'));
        b.append("# HELP keel_serve_errors_total Prediction requests answered with a status of 400 or more.\n");
        b.append("# TYPE keel_serve_errors_total counter\n");
        long errors = responses.entrySet().stream()
                .filter(e -> e.getKey() >= 400)
                .mapToLong(e -> e.getValue().sum())
                .sum();
        b.append("keel_serve_errors_total{")
                .append(m)
                .append("} ")
                .append(errors)
                .append('\n');
        b.append("# HELP keel_serve_request_seconds Time from request to answer.\n");
        b.append("# TYPE keel_serve_request_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i <= LATENCY_BUCKETS.length; i++) {
            cumulative += latencyCounts[i].sum();
            String le = i < LATENCY_BUCKETS.length ? number(LATENCY_BUCKETS[i]) : "+Inf";
            b.append("keel_serve_request_seconds_bucket{")
                    .append(m)
                    .append(",le=\"")
                    .append(le)
                    .append("\"} ")
                    .append(cumulative)
                    .append('\n');
        }
        b.append("keel_serve_request_seconds_sum{")
                .append(m)
                .append("} ")
                .append(number(latencySumMicros.sum() / 1e6))
                .append('\n');
        b.append("keel_serve_request_seconds_count{")
                .append(m)
                .append("} ")
                .append(cumulative)
                .append('\n');
        b.append("# HELP keel_serve_batch_size Inputs per model call.\n");
        b.append("# TYPE keel_serve_batch_size histogram\n");
        cumulative = 0;
        for (int i = 0; i <= BATCH_BUCKETS.length; i++) {
            cumulative += batchCounts[i].sum();
            String le = i < BATCH_BUCKETS.length ? Integer.toString(BATCH_BUCKETS[i]) : "+Inf";
            b.append("keel_serve_batch_size_bucket{")
                    .append(m)
                    .append(",le=\"")
                    .append(le)
                    .append("\"} ")
                    .append(cumulative)
                    .append('\n');
        }
        b.append("keel_serve_batch_size_sum{")
                .append(m)
                .append("} ")
                .append(batchSum.sum())
                .append('\n');
        b.append("keel_serve_batch_size_count{")
                .append(m)
                .append("} ")
                .append(cumulative)
                .append('\n');
        b.append("# HELP keel_serve_queue_depth Requests waiting for a worker.\n");
        b.append("# TYPE keel_serve_queue_depth gauge\n");
        b.append("keel_serve_queue_depth{")
                .append(m)
                .append("} ")
                .append(queueDepth.getAsInt())
                .append('\n');
        b.append("# HELP keel_serve_predictions_total Successful predictions, by predicted class.\n");
        b.append("# TYPE keel_serve_predictions_total counter\n");
        new TreeMap<>(classes)
                .forEach((c, n) -> b.append("keel_serve_predictions_total{")
                        .append(m)
                        .append(",class=\"")
                        .append(escape(c))
                        .append("\"} ")
                        .append(n.sum())
                        .append('\n'));
        b.append("# HELP keel_serve_model_loads_total Model version loads, by outcome.\n");
        b.append("# TYPE keel_serve_model_loads_total counter\n");
        new TreeMap<>(loads)
                .forEach((o, n) -> b.append("keel_serve_model_loads_total{")
                        .append(m)
                        .append(",outcome=\"")
                        .append(o)
                        .append("\"} ")
                        .append(n.sum())
                        .append('\n'));
        b.append("# HELP keel_serve_model_version The model version taking new requests.\n");
        b.append("# TYPE keel_serve_model_version gauge\n");
        b.append("keel_serve_model_version{")
                .append(m)
                .append("} ")
                .append(servedVersion.get())
                .append('\n');
        return b.toString();
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%s", d);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }
}
