package dev.keel.core.store.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.core.MetricBatch;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code metrics} object of a batch read straight from the parser into primitive columns:
 * the hot path of HTTP ingest builds no JSON tree for the points. Messages match the tree
 * decoder's: a bad element is read as a node only to describe it.
 */
final class MetricColumns {
    private List<String> keys;
    private long[] key;
    private long[] step;
    private long[] timestamp;
    private double[] value;
    private int keyN;
    private int stepN;
    private int timeN;
    private int valueN;

    /** Reads the object the parser is at (its START_OBJECT) into {@code out}. */
    static void read(JsonParser p, MetricBatch out) throws IOException {
        MetricColumns c = new MetricColumns();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            switch (f) {
                case "keys" -> {
                    JsonNode n = p.readValueAsTree();
                    c.keys = WireCheck.strings(n, "metrics.keys", Integer.MAX_VALUE);
                    for (int i = 0; i < c.keys.size(); i++) {
                        WireCheck.key(c.keys.get(i), "metrics.keys[" + i + "]");
                    }
                }
                case "key" -> c.keyN = c.longs(p, "metrics.key", 0);
                case "step" -> c.stepN = c.longs(p, "metrics.step", 1);
                case "timestamp" -> c.timeN = c.longs(p, "metrics.timestamp", 2);
                case "value" -> c.valueN = c.doubles(p);
                default ->
                    throw KeelException.invalid("unknown field 'metrics." + f
                            + "': the accepted fields are keys, key, step, timestamp, value");
            }
        }
        c.fill(out);
    }

    private void fill(MetricBatch out) {
        if (keys == null || key == null || step == null || timestamp == null || value == null) {
            String missing = keys == null
                    ? "keys"
                    : key == null ? "key" : step == null ? "step" : timestamp == null ? "timestamp" : "value";
            throw WireCheck.bad("metrics." + missing, "must be an array, got nothing");
        }
        int n = keyN;
        if (stepN != n || timeN != n || valueN != n) {
            throw KeelException.invalid("fields 'metrics.key', 'metrics.step', 'metrics.timestamp' and 'metrics.value'"
                    + " must have one entry per point; their lengths are " + n + ", " + stepN + ", " + timeN + ", "
                    + valueN);
        }
        int keyCount = keys.size();
        for (int i = 0; i < n; i++) {
            long k = key[i];
            if (k < 0 || k >= keyCount) {
                throw WireCheck.bad(
                        "metrics.key[" + i + "]", "must index 'metrics.keys' (0 to " + (keyCount - 1) + "), got " + k);
            }
            if (timestamp[i] < 0) {
                throw WireCheck.bad("metrics.timestamp[" + i + "]", "must be 0 or more, got " + timestamp[i]);
            }
            out.add(keys.get((int) k), step[i], timestamp[i], value[i]);
        }
    }

    /** An array of whole numbers into column {@code which}; returns its length. */
    private int longs(JsonParser p, String field, int which) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw WireCheck.bad(field, "must be an array, got " + WireCheck.show(p.readValueAsTree()));
        }
        long[] a = new long[256];
        int n = 0;
        for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; ) {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                WireCheck.integer((JsonNode) p.readValueAsTree(), field + "[" + n + "]");
            }
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = p.getLongValue();
        }
        switch (which) {
            case 0 -> key = a;
            case 1 -> step = a;
            default -> timestamp = a;
        }
        return n;
    }

    private int doubles(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw WireCheck.bad("metrics.value", "must be an array, got " + WireCheck.show(p.readValueAsTree()));
        }
        double[] a = new double[256];
        int n = 0;
        for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; ) {
            double v;
            if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
                v = p.getDoubleValue();
            } else {
                v = WireCheck.number(p.readValueAsTree(), "metrics.value[" + n + "]");
            }
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }
        value = a;
        return n;
    }
}
