package dev.keel.internal.run;

import dev.keel.Summary;
import dev.keel.SummaryMode;
import dev.keel.core.ValueLimits;
import dev.keel.internal.config.ConfigResolver;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The user's view of the summary. {@code put} is visible at once; values derived from logged
 * metrics become visible after the writer's next cycle (at the latest after {@code flush()}).
 */
final class SummaryImpl implements Summary {
    private final RunImpl run;
    private final Map<String, Object> visible = new ConcurrentHashMap<>();

    SummaryImpl(RunImpl run, Map<String, Object> initial) {
        this.run = run;
        initial.forEach((k, v) -> {
            if (v != null) {
                visible.put(k, v);
            }
        });
    }

    @Override
    public Summary put(String key, Object value) {
        String problem = MetricNames.problem(key);
        if (problem != null) {
            return refuse(
                    key,
                    "invalid summary key " + MetricNames.show(key) + ": " + problem
                            + "; use 1-250 characters without control characters");
        }
        if (ValueLimits.deeperThan(value, ValueLimits.MAX_DEPTH)) {
            return refuse(
                    key,
                    "summary key " + MetricNames.show(key) + " is nested more than " + ValueLimits.MAX_DEPTH
                            + " levels deep; flatten it");
        }
        Object canonical = ConfigResolver.canonical(value, "summary value for '" + key + "'");
        String tooBig = ValueLimits.valueProblem(canonical);
        if (tooBig != null) {
            return refuse(key, "summary key " + MetricNames.show(key) + " " + tooBig);
        }
        if (canonical == null) {
            visible.remove(key);
        } else {
            visible.put(key, canonical);
        }
        run.enqueue(new Event.SummaryPut(key, canonical));
        return this;
    }

    /**
     * A value Keel cannot store: thrown in strict mode, else left out with a problem, as
     * {@code log()} does, so that a summary line never ends a training run.
     */
    private Summary refuse(String key, String message) {
        if (run.strict()) {
            throw new IllegalArgumentException(message);
        }
        run.problemsSink().report("summary:" + key, message + "; the run goes on without it");
        return this;
    }

    @Override
    public Summary define(String metric, SummaryMode mode) {
        Objects.requireNonNull(mode, "mode");
        String problem = MetricNames.problem(metric);
        if (problem != null) {
            throw new IllegalArgumentException("invalid metric name " + MetricNames.show(metric) + ": " + problem);
        }
        run.enqueue(new Event.Define(metric, mode));
        return this;
    }

    @Override
    public Object get(String key) {
        return visible.get(key);
    }

    @Override
    public Map<String, Object> asMap() {
        return new LinkedHashMap<>(visible);
    }

    /** Called by the writer with values it derived. */
    /** Shows a value the run records itself (the writer is handed it separately). */
    void keep(String key, Object value) {
        visible.put(key, value);
    }

    void publish(Map<String, Object> changed) {
        changed.forEach((k, v) -> {
            if (v == null) {
                visible.remove(k);
            } else {
                visible.put(k, v);
            }
        });
    }
}
