package dev.keel.djl;

import dev.keel.Run;
import dev.keel.Summary;
import dev.keel.SummaryMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A Run that keeps what is logged in memory, to check what the listener sends to Keel. */
final class RecordingRun implements Run {
    record Point(Map<String, Number> metrics, long step) {
    }

    final List<Point> points = new ArrayList<>();
    final Map<String, Object> summary = new LinkedHashMap<>();

    @Override
    public String id() {
        return "test0001";
    }

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public String project() {
        return "test";
    }

    @Override
    public Map<String, Object> config() {
        return Map.of();
    }

    @Override
    public void log(Map<String, ? extends Number> metrics) {
        log(metrics, points.size());
    }

    @Override
    public synchronized void log(Map<String, ? extends Number> metrics, long step) {
        points.add(new Point(new LinkedHashMap<>(metrics), step));
    }

    @Override
    public long step() {
        return points.size();
    }

    @Override
    public Summary summary() {
        return new Summary() {
            @Override
            public Summary put(String key, Object value) {
                summary.put(key, value);
                return this;
            }

            @Override
            public Summary define(String metric, SummaryMode mode) {
                return this;
            }

            @Override
            public Object get(String key) {
                return summary.get(key);
            }

            @Override
            public Map<String, Object> asMap() {
                return Map.copyOf(summary);
            }
        };
    }

    @Override
    public void notes(String notes) {
    }

    @Override
    public void tags(String... tags) {
    }

    @Override
    public String saveFile(Path file) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String logArtifact(String name, Path path) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void flush() {
    }

    @Override
    public List<String> problems() {
        return List.of();
    }

    @Override
    public void close() {
    }

    @Override
    public void fail(Throwable cause) {
    }
}
