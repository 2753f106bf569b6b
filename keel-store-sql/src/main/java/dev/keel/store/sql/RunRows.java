package dev.keel.store.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.keel.core.Json;
import dev.keel.core.JsonText;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@link RunInfo}s from rows of the {@code runs} table (alias {@code r}). */
final class RunRows {
    /** The columns {@link #read} expects, in its order. */
    static final String COLUMNS = "r.id, r.project, r.name, r.grp, r.user_name, r.tags, r.notes, r.state,"
            + " r.created_at, r.heartbeat_at, r.ended_at, r.runtime_ms, r.sweep, r.host, r.pid, r.config, r.summary,"
            + " r.problems";

    /**
     * Keel's JSON reading, with the faster (and equally exact) double parser: summaries are mostly
     * doubles. Made on first use: plain JSON, what Keel writes, is read by {@link JsonText}.
     */
    private static final class Reader {
        static final ObjectReader MAP_READER =
                Json.MAPPER.readerFor(LinkedHashMap.class).with(StreamReadFeature.USE_FAST_DOUBLE_PARSER);
    }

    private RunRows() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> readMap(String json) {
        if (json == null || json.isBlank()) {
            return new LinkedHashMap<>();
        }
        if (JsonText.parse(json) instanceof Map<?, ?> plain) {
            return (Map<String, Object>) plain;
        }
        try {
            return (Map<String, Object>) Reader.MAP_READER.readValue(json);
        } catch (JsonProcessingException e) {
            throw new KeelException(
                    KeelException.ErrorCode.CORRUPT_DATA, "stored JSON cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads one row. A part that cannot be read (JSON a reader refuses, an unknown state) is
     * left out, and {@code warnings} told which run and why: one bad row must never fail a
     * whole listing, and the run must stay visible so that it can be removed.
     */
    static RunInfo read(ResultSet rs, ReadWarnings warnings) throws SQLException {
        String id = rs.getString(1);
        List<String> tags = new ArrayList<>();
        try {
            for (Object t : readList(rs.getString(6))) {
                tags.add(String.valueOf(t));
            }
        } catch (KeelException e) {
            warnings.unreadable(id, "tags", e);
        }
        List<String> problems = new ArrayList<>();
        try {
            for (Object p : readList(rs.getString(18))) {
                problems.add(String.valueOf(p));
            }
        } catch (KeelException e) {
            warnings.unreadable(id, "problems", e);
        }
        RunState state;
        try {
            state = RunState.parse(rs.getString(8));
        } catch (IllegalArgumentException e) {
            warnings.unreadable(id, "state", e);
            state = RunState.CRASHED;
        }
        Map<String, Object> config;
        try {
            config = readMap(rs.getString(16));
        } catch (KeelException e) {
            warnings.unreadable(id, "config", e);
            config = new LinkedHashMap<>();
        }
        Map<String, Object> summary;
        try {
            summary = JsonText.decodeNonFinite(readMap(rs.getString(17)));
        } catch (KeelException e) {
            warnings.unreadable(id, "summary", e);
            summary = new LinkedHashMap<>();
        }
        return new RunInfo(
                id,
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                tags,
                rs.getString(7),
                state,
                rs.getLong(9),
                rs.getLong(10),
                rs.getLong(11),
                rs.getLong(12),
                rs.getString(13),
                rs.getString(14),
                rs.getLong(15),
                config,
                summary,
                problems);
    }

    static List<?> readList(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        if (JsonText.parse(json) instanceof List<?> plain) {
            return plain;
        }
        try {
            return Json.MAPPER.readValue(json, List.class);
        } catch (JsonProcessingException e) {
            throw new KeelException(
                    KeelException.ErrorCode.CORRUPT_DATA, "stored tags cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /** Merges key updates into stored JSON: a null value removes the key. */
    static String merge(String storedJson, Map<String, Object> updates) {
        Map<String, Object> merged = readMap(storedJson);
        updates.forEach((k, v) -> {
            if (v == null) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        return Json.write(merged);
    }
}
