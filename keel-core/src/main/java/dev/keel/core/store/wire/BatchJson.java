package dev.keel.core.store.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ConsoleLine;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.MetricBatch;
import dev.keel.core.RunFile;
import dev.keel.core.RunState;
import dev.keel.core.blob.Hashes;
import dev.keel.core.store.WriteBatch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link WriteBatch} as JSON: what {@code POST /api/v1/runs/{id}/batches} takes. Metrics are
 * columnar, with each distinct key sent once and points naming it by index:
 *
 * <pre>{@code
 * {"log_offset": 4096,
 *  "metrics": {"keys": ["loss", "acc"], "key": [0, 1], "step": [7, 7], "timestamp": [1700000000000, 1700000000000],
 *              "value": [0.31, "NaN"]},
 *  "summary": {"loss": 0.31}, "config": {}, "provenance": {},
 *  "console": [{"seq": 0, "timestamp": 1700000000000, "stream": "out", "text": "epoch 1"}],
 *  "files": [{"name": "model.bin", "hash": "sha256:…", "size": 10, "kind": "file", "created_at": 1700000000000}],
 *  "removed_files": [], "state": "finished", "ended_at": 1700000001000, "heartbeat_at": 1700000001000,
 *  "runtime_ms": 1000, "notes": "…", "tags": ["a"], "name": "…", "host": "gpu-box", "pid": 4242}
 * }</pre>
 *
 * Every field is optional; absent fields change nothing. Non-finite values are the strings
 * "NaN", "Infinity" and "-Infinity". {@code log_offset} is the per-run sequence number: the store
 * skips a batch whose offset is not past the one it holds, so a retried batch is applied once.
 */
public final class BatchJson {
    static final int MAX_FILE_NAME = 1024;
    /** The longest problem line a run may record. */
    public static final int MAX_PROBLEM = 4096;

    private static final Set<String> FIELDS = Set.of(
            "log_offset",
            "metrics",
            "summary",
            "config",
            "provenance",
            "console",
            "files",
            "removed_files",
            "state",
            "ended_at",
            "heartbeat_at",
            "runtime_ms",
            "notes",
            "tags",
            "name",
            "truncate_after_step",
            "problems",
            "host",
            "pid");
    private static final Set<String> METRIC_FIELDS = Set.of("keys", "key", "step", "timestamp", "value");
    private static final Set<String> CONSOLE_FIELDS = Set.of("seq", "timestamp", "stream", "text");
    private static final Set<String> FILE_FIELDS = Set.of("name", "hash", "size", "kind", "created_at");

    private BatchJson() {}

    /** The batch as UTF-8 JSON. */
    public static byte[] encode(WriteBatch b) {
        return encode(b, true);
    }

    /** All but the points: the header of a {@link BatchBinary} body. */
    static byte[] encodeWithoutMetrics(WriteBatch b) {
        return encode(b, false);
    }

    private static byte[] encode(WriteBatch b, boolean withMetrics) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (withMetrics ? b.metrics.size() * 40 : 0));
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeNumberField("log_offset", b.logOffset);
            if (withMetrics && !b.metrics.isEmpty()) {
                writeMetrics(g, b.metrics);
            }
            writeTree(g, "summary", b.summary);
            writeTree(g, "config", b.config);
            writeTree(g, "provenance", b.provenance);
            if (!b.console.isEmpty()) {
                g.writeArrayFieldStart("console");
                for (ConsoleLine l : b.console) {
                    g.writeStartObject();
                    g.writeNumberField("seq", l.seq());
                    g.writeNumberField("timestamp", l.timestamp());
                    g.writeStringField("stream", l.stream());
                    g.writeStringField("text", l.text());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (!b.files.isEmpty()) {
                g.writeArrayFieldStart("files");
                for (RunFile f : b.files) {
                    g.writeStartObject();
                    g.writeStringField("name", f.name());
                    g.writeStringField("hash", f.hash());
                    g.writeNumberField("size", f.size());
                    g.writeStringField("kind", f.kind());
                    g.writeNumberField("created_at", f.createdAt());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (!b.removedFiles.isEmpty()) {
                g.writeArrayFieldStart("removed_files");
                for (String n : b.removedFiles) {
                    g.writeString(n);
                }
                g.writeEndArray();
            }
            if (b.state != null) {
                g.writeStringField("state", b.state.label());
                g.writeNumberField("ended_at", b.endedAt);
            }
            if (b.problems != null) {
                g.writeArrayFieldStart("problems");
                for (String p : b.problems) {
                    g.writeString(p);
                }
                g.writeEndArray();
            }
            if (b.heartbeatAt != 0) {
                g.writeNumberField("heartbeat_at", b.heartbeatAt);
            }
            if (b.runtimeMs >= 0) {
                g.writeNumberField("runtime_ms", b.runtimeMs);
            }
            if (b.notes != null) {
                g.writeStringField("notes", b.notes);
            }
            if (b.tags != null) {
                g.writeArrayFieldStart("tags");
                for (String t : b.tags) {
                    g.writeString(t);
                }
                g.writeEndArray();
            }
            if (b.name != null) {
                g.writeStringField("name", b.name);
            }
            if (b.host != null) {
                g.writeStringField("host", b.host);
            }
            if (b.pid != 0) {
                g.writeNumberField("pid", b.pid);
            }
            if (b.truncateAfterStep != WriteBatch.NO_TRUNCATION) {
                g.writeNumberField("truncate_after_step", b.truncateAfterStep);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeMetrics(JsonGenerator g, MetricBatch m) throws IOException {
        Map<String, Integer> index = new HashMap<>();
        List<String> keys = new ArrayList<>();
        int[] keyOf = new int[m.size()];
        for (int i = 0; i < m.size(); i++) {
            keyOf[i] = index.computeIfAbsent(m.key(i), k -> {
                keys.add(k);
                return keys.size() - 1;
            });
        }
        g.writeObjectFieldStart("metrics");
        g.writeArrayFieldStart("keys");
        for (String k : keys) {
            g.writeString(k);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("key");
        for (int i = 0; i < m.size(); i++) {
            g.writeNumber(keyOf[i]);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("step");
        for (int i = 0; i < m.size(); i++) {
            g.writeNumber(m.step(i));
        }
        g.writeEndArray();
        g.writeArrayFieldStart("timestamp");
        for (int i = 0; i < m.size(); i++) {
            g.writeNumber(m.timestamp(i));
        }
        g.writeEndArray();
        g.writeArrayFieldStart("value");
        for (int i = 0; i < m.size(); i++) {
            double v = m.value(i);
            if (Double.isFinite(v)) {
                g.writeNumber(v);
            } else {
                g.writeString(Json.nonFiniteName(v));
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeTree(JsonGenerator g, String field, Map<String, Object> tree) throws IOException {
        if (!tree.isEmpty()) {
            g.writeFieldName(field);
            Json.MAPPER.writeValue(g, Json.encodeNonFinite(tree));
        }
    }

    /**
     * Reads and validates a request body without building a tree for the points; malformed
     * JSON is {@code BAD_REQUEST} saying where it broke, bad values {@code INVALID_PARAMETER_VALUE}
     * naming the field.
     */
    public static WriteBatch decode(byte[] body) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new KeelException(
                        KeelException.ErrorCode.BAD_REQUEST, "the request body is empty: send a JSON object");
            }
            if (first != JsonToken.START_OBJECT) {
                return decode((JsonNode) p.readValueAsTree());
            }
            ObjectNode rest = Json.MAPPER.createObjectNode();
            MetricBatch metrics = new MetricBatch(1024);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("metrics") && t == JsonToken.START_OBJECT) {
                    MetricColumns.read(p, metrics);
                } else {
                    rest.set(name, p.readValueAsTree());
                }
            }
            if (p.nextToken() != null) {
                throw new KeelException(
                        KeelException.ErrorCode.BAD_REQUEST,
                        "the request body holds more than one" + " JSON value: send one object");
            }
            WriteBatch b = decode(rest);
            for (int i = 0; i < metrics.size(); i++) {
                b.metrics.add(metrics.key(i), metrics.step(i), metrics.timestamp(i), metrics.value(i));
            }
            return b;
        } catch (JsonProcessingException e) {
            throw new KeelException(
                    KeelException.ErrorCode.BAD_REQUEST,
                    "the request body is not valid JSON: " + e.getOriginalMessage() + Json.where(e));
        } catch (IOException e) {
            throw new KeelException(
                    KeelException.ErrorCode.BAD_REQUEST, "cannot read the request body: " + e.getMessage());
        }
    }

    /** The header of a {@link BatchBinary} body: a batch whose points follow in binary. */
    static WriteBatch decodeWithoutMetrics(byte[] header) {
        WriteBatch b = decode(header);
        if (!b.metrics.isEmpty()) {
            throw WireCheck.bad(
                    "metrics", "must not be in the JSON header of a binary batch: its points follow the header");
        }
        return b;
    }

    /** Reads and validates a batch; errors are {@code INVALID_PARAMETER_VALUE} naming the field. */
    public static WriteBatch decode(JsonNode root) {
        WireCheck.object(root, "batch");
        WireCheck.onlyKnown(root, "", FIELDS);
        WriteBatch b = new WriteBatch();
        b.logOffset = WireCheck.integer(root, "log_offset", "log_offset", -1);
        if (b.logOffset < -1) {
            throw WireCheck.bad("log_offset", "must be -1 (not from an event log) or more, got " + b.logOffset);
        }
        JsonNode metrics = root.get("metrics");
        if (metrics != null && !metrics.isNull()) {
            readMetrics(metrics, b.metrics);
        }
        readTree(root, "summary", b.summary);
        readTree(root, "config", b.config);
        readTree(root, "provenance", b.provenance);
        JsonNode console = root.get("console");
        if (console != null && !console.isNull()) {
            WireCheck.array(console, "console");
            for (int i = 0; i < console.size(); i++) {
                String f = "console[" + i + "]";
                JsonNode l = console.get(i);
                WireCheck.object(l, f);
                WireCheck.onlyKnown(l, f, CONSOLE_FIELDS);
                String stream = WireCheck.text(l.get("stream"), f + ".stream", 8);
                if (!stream.equals("out") && !stream.equals("err")) {
                    throw WireCheck.bad(f + ".stream", "must be \"out\" or \"err\", got \"" + stream + "\"");
                }
                b.console.add(new ConsoleLine(
                        nonNegative(l.get("seq"), f + ".seq"),
                        nonNegative(l.get("timestamp"), f + ".timestamp"),
                        stream,
                        WireCheck.text(l.get("text"), f + ".text", WireCheck.MAX_TEXT)));
            }
        }
        JsonNode files = root.get("files");
        if (files != null && !files.isNull()) {
            WireCheck.array(files, "files");
            for (int i = 0; i < files.size(); i++) {
                b.addFile(readFile(files.get(i), "files[" + i + "]"));
            }
        }
        JsonNode removed = root.get("removed_files");
        if (removed != null && !removed.isNull()) {
            List<String> names = WireCheck.strings(removed, "removed_files", MAX_FILE_NAME);
            for (int i = 0; i < names.size(); i++) {
                b.removeFile(fileName(names.get(i), "removed_files[" + i + "]"));
            }
        }
        String state = WireCheck.optionalText(root, "state", "state", 32);
        if (state != null) {
            try {
                b.state = RunState.parse(state);
            } catch (IllegalArgumentException e) {
                throw WireCheck.bad("state", e.getMessage());
            }
            if (b.state == RunState.UNREACHABLE) {
                throw WireCheck.bad("state", "cannot be 'unreachable': the server decides it from heartbeats");
            }
            b.endedAt = WireCheck.integer(root, "ended_at", "ended_at", 0);
        }
        JsonNode problems = root.get("problems");
        if (problems != null && !problems.isNull()) {
            b.problems = WireCheck.strings(problems, "problems", MAX_PROBLEM);
        }
        b.heartbeatAt = WireCheck.integer(root, "heartbeat_at", "heartbeat_at", 0);
        b.runtimeMs = WireCheck.integer(root, "runtime_ms", "runtime_ms", -1);
        b.notes = WireCheck.optionalText(root, "notes", "notes", WireCheck.MAX_TEXT);
        JsonNode tags = root.get("tags");
        if (tags != null && !tags.isNull()) {
            b.tags = WireCheck.strings(tags, "tags", WireCheck.MAX_KEY);
        }
        b.name = WireCheck.optionalText(root, "name", "name", WireCheck.MAX_KEY);
        b.host = WireCheck.optionalText(root, "host", "host", WireCheck.MAX_KEY);
        b.pid = WireCheck.integer(root, "pid", "pid", 0);
        // Set as sent, not through rewindTo: the sender already dropped this batch's own later points.
        b.truncateAfterStep =
                WireCheck.integer(root, "truncate_after_step", "truncate_after_step", WriteBatch.NO_TRUNCATION);
        return b;
    }

    private static void readMetrics(JsonNode m, MetricBatch out) {
        WireCheck.object(m, "metrics");
        WireCheck.onlyKnown(m, "metrics", METRIC_FIELDS);
        List<String> keys = WireCheck.strings(m.get("keys"), "metrics.keys", Integer.MAX_VALUE);
        for (int i = 0; i < keys.size(); i++) {
            WireCheck.key(keys.get(i), "metrics.keys[" + i + "]");
        }
        JsonNode key = WireCheck.array(m.get("key"), "metrics.key");
        JsonNode step = WireCheck.array(m.get("step"), "metrics.step");
        JsonNode ts = WireCheck.array(m.get("timestamp"), "metrics.timestamp");
        JsonNode value = WireCheck.array(m.get("value"), "metrics.value");
        int n = key.size();
        if (step.size() != n || ts.size() != n || value.size() != n) {
            throw KeelException.invalid("fields 'metrics.key', 'metrics.step', 'metrics.timestamp' and 'metrics.value'"
                    + " must have one entry per point; their lengths are " + n + ", " + step.size() + ", "
                    + ts.size() + ", " + value.size());
        }
        int keyCount = keys.size();
        for (int i = 0; i < n; i++) {
            // the hot loop of ingest: field names for messages are built only on an error
            JsonNode kn = key.get(i);
            JsonNode sn = step.get(i);
            JsonNode tn = ts.get(i);
            JsonNode vn = value.get(i);
            if (!kn.isIntegralNumber() || !kn.canConvertToInt() || kn.intValue() < 0 || kn.intValue() >= keyCount) {
                long k = WireCheck.integer(kn, "metrics.key[" + i + "]");
                throw WireCheck.bad(
                        "metrics.key[" + i + "]", "must index 'metrics.keys' (0 to " + (keyCount - 1) + "), got " + k);
            }
            long stepValue = sn.isIntegralNumber() && sn.canConvertToLong()
                    ? sn.longValue()
                    : WireCheck.integer(sn, "metrics.step[" + i + "]");
            long time = tn.isIntegralNumber() && tn.canConvertToLong() && tn.longValue() >= 0
                    ? tn.longValue()
                    : nonNegative(tn, "metrics.timestamp[" + i + "]");
            double v = vn.isNumber() ? vn.doubleValue() : WireCheck.number(vn, "metrics.value[" + i + "]");
            out.add(keys.get(kn.intValue()), stepValue, time, v);
        }
    }

    private static void readTree(JsonNode root, String field, Map<String, Object> out) {
        JsonNode n = root.get(field);
        if (n != null && !n.isNull()) {
            out.putAll(WireCheck.tree(n, field, field.equals("summary"), !field.equals("provenance")));
        }
    }

    private static RunFile readFile(JsonNode f, String field) {
        WireCheck.object(f, field);
        WireCheck.onlyKnown(f, field, FILE_FIELDS);
        String name = fileName(WireCheck.text(f.get("name"), field + ".name", MAX_FILE_NAME), field + ".name");
        String hash = WireCheck.text(f.get("hash"), field + ".hash", 80);
        try {
            Hashes.hex(hash);
        } catch (KeelException e) {
            throw WireCheck.bad(field + ".hash", e.getMessage());
        }
        String kind = WireCheck.optionalText(f, "kind", field + ".kind", 64);
        return new RunFile(
                name,
                hash,
                nonNegative(f.get("size"), field + ".size"),
                kind == null ? "file" : kind,
                WireCheck.integer(f, "created_at", field + ".created_at", 0));
    }

    /** A run file's name: a relative path with forward slashes, no "." or ".." segments. */
    static String fileName(String name, String field) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\")) {
            throw WireCheck.bad(field, "must be a relative path with forward slashes, got \"" + name + "\"");
        }
        for (String seg : name.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw WireCheck.bad(field, "must not hold empty, '.' or '..' segments, got \"" + name + "\"");
            }
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw WireCheck.bad(field, "must not hold control characters");
            }
        }
        return name;
    }

    private static long nonNegative(JsonNode n, String field) {
        long v = WireCheck.integer(n, field);
        if (v < 0) {
            throw WireCheck.bad(field, "must be 0 or more, got " + v);
        }
        return v;
    }
}
