package dev.keel.server.ops;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A small metrics registry that renders the Prometheus text format (version 0.0.4): counters,
 * histograms and gauges read at scrape time, each with fixed label names. Updates are lock-free
 * ({@link LongAdder}), so counting on the request path costs next to nothing.
 *
 * <pre>{@code
 * MetricsRegistry registry = new MetricsRegistry();
 * MetricsRegistry.Counter requests = registry.counter("app_requests_total", "Requests served.", "status");
 * requests.inc("200");
 * String text = registry.scrape();
 * }</pre>
 *
 * <p>Label values must come from a bounded set (route patterns, not paths), or the series grow
 * without bound.
 */
public final class MetricsRegistry {
    private final List<Family> families = new CopyOnWriteArrayList<>();

    public Counter counter(String name, String help, String... labelNames) {
        return register(new Counter(name, help, labelNames));
    }

    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return register(new Histogram(name, help, buckets, labelNames));
    }

    public Gauge gauge(String name, String help, String... labelNames) {
        return register(new Gauge(name, help, labelNames));
    }

    private <F extends Family> F register(F family) {
        for (Family f : families) {
            if (f.name.equals(family.name)) {
                throw new IllegalArgumentException("metric " + family.name + " registered twice");
            }
        }
        families.add(family);
        return family;
    }

    /** Every family in the text exposition format, in registration order. */
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        for (Family f : families) {
            out.append("# HELP ")
                    .append(f.name)
                    .append(' ')
                    .append(f.help.replace("\\", "\\\\").replace("\n", "\\n"))
                    .append('\n');
            out.append("# TYPE ").append(f.name).append(' ').append(f.type()).append('\n');
            f.write(out);
        }
        return out.toString();
    }

    /** A named metric with fixed label names; its series are keyed by label values. */
    public abstract static class Family {
        final String name;
        final String help;
        final String[] labelNames;

        Family(String name, String help, String[] labelNames) {
            if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
                throw new IllegalArgumentException("not a Prometheus metric name: " + name);
            }
            this.name = name;
            this.help = help;
            this.labelNames = labelNames.clone();
        }

        abstract String type();

        abstract void write(StringBuilder out);

        List<String> key(String[] values) {
            if (values.length != labelNames.length) {
                throw new IllegalArgumentException(
                        name + " takes labels " + Arrays.toString(labelNames) + ", got " + values.length + " values");
            }
            return List.of(values);
        }

        void labels(StringBuilder out, List<String> values, String extraName, String extraValue) {
            if (values.isEmpty() && extraName == null) {
                return;
            }
            out.append('{');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labelNames[i])
                        .append("=\"")
                        .append(escape(values.get(i)))
                        .append('"');
            }
            if (extraName != null) {
                if (!values.isEmpty()) {
                    out.append(',');
                }
                out.append(extraName).append("=\"").append(extraValue).append('"');
            }
            out.append('}');
        }
    }

    /** A monotonically increasing count per label set. */
    public static final class Counter extends Family {
        private final Map<List<String>, LongAdder> cells = new ConcurrentHashMap<>();

        Counter(String name, String help, String[] labelNames) {
            super(name, help, labelNames);
        }

        public void inc(String... labelValues) {
            add(1, labelValues);
        }

        public void add(long n, String... labelValues) {
            cells.computeIfAbsent(key(labelValues), k -> new LongAdder()).add(n);
        }

        /** The current count of one label set (0 when never counted). */
        public long value(String... labelValues) {
            LongAdder a = cells.get(key(labelValues));
            return a == null ? 0 : a.sum();
        }

        @Override
        String type() {
            return "counter";
        }

        @Override
        void write(StringBuilder out) {
            for (Map.Entry<List<String>, LongAdder> e : sorted(cells).entrySet()) {
                out.append(name);
                labels(out, e.getKey(), null, null);
                out.append(' ').append(e.getValue().sum()).append('\n');
            }
        }
    }

    /** Observations counted into cumulative buckets, with their sum and count, per label set. */
    public static final class Histogram extends Family {
        private final double[] bounds;
        private final Map<List<String>, Cell> cells = new ConcurrentHashMap<>();

        Histogram(String name, String help, double[] bounds, String[] labelNames) {
            super(name, help, labelNames);
            this.bounds = bounds.clone();
            Arrays.sort(this.bounds);
        }

        private final class Cell {
            final LongAdder[] buckets = new LongAdder[bounds.length];
            final LongAdder count = new LongAdder();
            final DoubleAdder sum = new DoubleAdder();

            Cell() {
                for (int i = 0; i < buckets.length; i++) {
                    buckets[i] = new LongAdder();
                }
            }
        }

        public void observe(double value, String... labelValues) {
            Cell c = cells.computeIfAbsent(key(labelValues), k -> new Cell());
            // Non-cumulative per bucket here; summed into Prometheus' cumulative form at scrape.
            for (int i = 0; i < bounds.length; i++) {
                if (value <= bounds[i]) {
                    c.buckets[i].increment();
                    break;
                }
            }
            c.count.increment();
            c.sum.add(value);
        }

        public long count(String... labelValues) {
            Cell c = cells.get(key(labelValues));
            return c == null ? 0 : c.count.sum();
        }

        @Override
        String type() {
            return "histogram";
        }

        @Override
        void write(StringBuilder out) {
            for (Map.Entry<List<String>, Cell> e : sorted(cells).entrySet()) {
                Cell c = e.getValue();
                long cumulative = 0;
                for (int i = 0; i < bounds.length; i++) {
                    cumulative += c.buckets[i].sum();
                    out.append(name).append("_bucket");
                    labels(out, e.getKey(), "le", number(bounds[i]));
                    out.append(' ').append(cumulative).append('\n');
                }
                long count = c.count.sum();
                out.append(name).append("_bucket");
                labels(out, e.getKey(), "le", "+Inf");
                out.append(' ').append(count).append('\n');
                out.append(name).append("_sum");
                labels(out, e.getKey(), null, null);
                out.append(' ').append(number(c.sum.sum())).append('\n');
                out.append(name).append("_count");
                labels(out, e.getKey(), null, null);
                out.append(' ').append(count).append('\n');
            }
        }
    }

    /** Values read when scraped, one supplier per label set (memory, pool sizes, in-flight requests). */
    public static final class Gauge extends Family {
        private final Map<List<String>, DoubleSupplier> cells = new ConcurrentHashMap<>();

        Gauge(String name, String help, String[] labelNames) {
            super(name, help, labelNames);
        }

        public Gauge track(DoubleSupplier value, String... labelValues) {
            cells.put(key(labelValues), value);
            return this;
        }

        @Override
        String type() {
            return "gauge";
        }

        @Override
        void write(StringBuilder out) {
            for (Map.Entry<List<String>, DoubleSupplier> e : sorted(cells).entrySet()) {
                double v;
                try {
                    v = e.getValue().getAsDouble();
                } catch (RuntimeException ex) {
                    continue; // a gauge that cannot be read right now is left out, not a failed scrape
                }
                out.append(name);
                labels(out, e.getKey(), null, null);
                out.append(' ').append(number(v)).append('\n');
            }
        }
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }

    private static <V> Map<List<String>, V> sorted(Map<List<String>, V> cells) {
        // Stable output order makes scrapes diffable and tests simple.
        Map<List<String>, V> out = new ConcurrentSkipListMap<>((a, b) -> {
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                int c = a.get(i).compareTo(b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(a.size(), b.size());
        });
        out.putAll(cells);
        return out;
    }
}
