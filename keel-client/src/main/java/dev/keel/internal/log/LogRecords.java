package dev.keel.internal.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.keel.core.ConsoleLine;
import dev.keel.core.RunFile;
import dev.keel.core.RunState;
import dev.keel.core.store.WriteBatch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns records into {@link WriteBatch} changes. The writer and every reader (recovery,
 * {@code keel sync}) go through {@link #applyTo}, so what a live run indexes and what a replay
 * indexes are the same by construction.
 *
 * <p>JSON payloads keep non-finite doubles as the bare tokens {@code NaN}, {@code Infinity},
 * {@code -Infinity} so they read back as doubles, not strings.
 */
public final class LogRecords {

    private LogRecords() {}

    /** Loaded on first use only: the records a run writes while it starts never need Jackson. */
    private static final class Mapper {
        static final JsonMapper MAPPER = JsonMapper.builder()
                .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.USE_LONG_FOR_INTS)
                .build();
        static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
    }

    /** A JSON payload. */
    public static byte[] json(Map<String, ?> value) {
        byte[] plain = PlainJson.write(value);
        if (plain != null) {
            return plain;
        }
        try {
            return Mapper.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode record: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a JSON payload; throws {@link IllegalArgumentException} when malformed. */
    public static Map<String, Object> readJson(byte[] payload) {
        try {
            return Mapper.MAPPER.readValue(payload, Mapper.MAP);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON record: " + e.getMessage(), e);
        }
    }

    /**
     * Adds one record's changes to {@code batch}; returns the heartbeat time it carries (0 when
     * none), which recovery uses as the end time of a crashed run.
     */
    public static long applyTo(WriteBatch batch, EventType type, byte[] payload) {
        if (type == EventType.METRICS) {
            MetricCodec.decode(payload, batch.metrics);
            return 0;
        }
        Map<String, Object> m = readJson(payload);
        return applyTo(batch, type, m);
    }

    /** As {@link #applyTo(WriteBatch, EventType, byte[])} for an already decoded JSON record. */
    @SuppressWarnings("unchecked")
    public static long applyTo(WriteBatch batch, EventType type, Map<String, Object> m) {
        switch (type) {
            case SUMMARY -> batch.summary.putAll(m);
            case CONFIG -> batch.config.putAll(m);
            case META -> {
                if (m.containsKey("notes")) {
                    batch.notes = (String) m.get("notes");
                }
                if (m.containsKey("tags")) {
                    batch.tags = new ArrayList<>((List<String>) m.get("tags"));
                }
                if (m.containsKey("name")) {
                    batch.name = (String) m.get("name");
                }
            }
            case CONSOLE ->
                batch.console.add(
                        new ConsoleLine(num(m, "seq"), num(m, "ts"), (String) m.get("stream"), (String) m.get("text")));
            case FILE -> {
                if (Boolean.TRUE.equals(m.get("removed"))) {
                    batch.removeFile((String) m.get("name"));
                } else {
                    batch.addFile(new RunFile(
                            (String) m.get("name"),
                            (String) m.get("hash"),
                            num(m, "size"),
                            (String) m.get("kind"),
                            num(m, "createdAt")));
                }
            }
            case STATE -> {
                batch.state = RunState.parse((String) m.get("state"));
                batch.endedAt = num(m, "endedAt");
                if (m.containsKey("runtimeMs")) {
                    batch.runtimeMs = num(m, "runtimeMs");
                }
                if (m.get("problems") instanceof List<?> list) {
                    batch.problems = list.stream().map(String::valueOf).toList();
                }
                if (m.get("host") instanceof String host) {
                    batch.host = host;
                    batch.pid = num(m, "pid");
                }
            }
            case HEARTBEAT -> {
                long at = num(m, "at");
                batch.heartbeatAt = Math.max(batch.heartbeatAt, at);
                batch.runtimeMs = Math.max(batch.runtimeMs, num(m, "runtimeMs"));
                return at;
            }
            case PROVENANCE -> batch.provenance.putAll(m);
            case REWIND -> {
                Object step = m.get("afterStep");
                if (!(step instanceof Number)) {
                    throw new IllegalArgumentException("rewind record without a numeric afterStep: " + m);
                }
                batch.rewindTo(((Number) step).longValue());
            }
            default -> {
                // CREATE is read by whoever creates the run, not indexed per batch
            }
        }
        return 0;
    }

    /** A rewind of the metric history as a record. */
    public static Map<String, Object> rewind(long afterStep) {
        return Map.of("afterStep", afterStep);
    }

    /** A console line as a record. */
    public static Map<String, Object> console(ConsoleLine line) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", line.seq());
        m.put("ts", line.timestamp());
        m.put("stream", line.stream());
        m.put("text", line.text());
        return m;
    }

    /** A run file as a record. */
    public static Map<String, Object> file(RunFile f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.name());
        m.put("hash", f.hash());
        m.put("size", f.size());
        m.put("kind", f.kind());
        m.put("createdAt", f.createdAt());
        return m;
    }

    /** The removal of a run file as a record. */
    public static Map<String, Object> removedFile(String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("removed", true);
        return m;
    }

    private static long num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.longValue() : 0;
    }
}
