package dev.keel.store.sql;

import dev.keel.core.Json;
import dev.keel.core.model.AliasMove;
import dev.keel.core.model.Lineage;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.RegisteredModel;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The rows of schema 9's model tables as SPI records, and their JSON columns. */
final class ModelRows {
    static final String MODEL_COLUMNS = "name, project, owner, description, tags, created_at, updated_at";
    static final String VERSION_COLUMNS =
            "model, version, lineage, signature, tags, description, created_by, created_at";
    static final String MOVE_COLUMNS = "model, alias, version, from_version, moved_by, moved_at";

    private ModelRows() {}

    static RegisteredModel model(ResultSet rs) throws SQLException {
        return new RegisteredModel(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                tags(rs.getString(5)),
                rs.getLong(6),
                rs.getLong(7));
    }

    static AliasMove move(ResultSet rs) throws SQLException {
        return new AliasMove(
                rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getString(5), rs.getLong(6));
    }

    /** The model's row; with {@code lock}, locked until the transaction ends. */
    static Optional<RegisteredModel> model(Connection c, String name, String lock) throws SQLException {
        return Jdbc.first(Jdbc.query(
                c, "SELECT " + MODEL_COLUMNS + " FROM models WHERE name = ?" + lock, ModelRows::model, name));
    }

    /** Versions of {@code name} ({@code version} 0: all of them), oldest first, with their files. */
    static List<ModelVersion> versions(Connection c, String name, int version) throws SQLException {
        String where = version > 0 ? " AND version = ?" : "";
        Object[] args = version > 0 ? new Object[] {name, version} : new Object[] {name};
        Map<Integer, List<ModelFile>> files = new TreeMap<>();
        for (Object[] row : Jdbc.query(
                c,
                "SELECT version, path, hash, size FROM model_files WHERE model = ?" + where + " ORDER BY version, path",
                rs -> new Object[] {rs.getInt(1), new ModelFile(rs.getString(2), rs.getString(3), rs.getLong(4))},
                args)) {
            files.computeIfAbsent((Integer) row[0], k -> new ArrayList<>()).add((ModelFile) row[1]);
        }
        return Jdbc.query(
                c,
                "SELECT " + VERSION_COLUMNS + " FROM model_versions WHERE model = ?" + where + " ORDER BY version",
                rs -> new ModelVersion(
                        rs.getString(1),
                        rs.getInt(2),
                        files.getOrDefault(rs.getInt(2), List.of()),
                        lineage(rs.getString(3)),
                        rs.getString(4),
                        tags(rs.getString(5)),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getLong(8)),
                args);
    }

    static String lineageJson(Lineage l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", l.runId());
        m.put("datasets", l.datasets());
        m.put("commit", l.commit());
        m.put("config", l.config());
        m.put("metrics", Json.encodeNonFinite(l.metrics()));
        return Json.write(m);
    }

    /**
     * The stored lineage; a damaged one (or one a newer Keel wrote) reads as empty, naming the
     * problem under config key {@code _unreadable}, so the model's other versions still list and
     * a gate over its metrics refuses rather than passes.
     */
    static Lineage lineage(String json) {
        try {
            return readLineage(json);
        } catch (RuntimeException e) {
            return new Lineage("", List.of(), "", Map.of("_unreadable", "lineage: " + e.getMessage()), Map.of());
        }
    }

    @SuppressWarnings("unchecked")
    private static Lineage readLineage(String json) {
        Map<String, Object> m = Json.readMap(json);
        Map<String, Double> metrics = new TreeMap<>();
        Json.decodeNonFinite((Map<String, Object>) m.getOrDefault("metrics", Map.of()))
                .forEach((k, v) -> metrics.put(k, v instanceof Number n ? n.doubleValue() : Double.NaN));
        return new Lineage(
                (String) m.get("run"),
                (List<String>) m.getOrDefault("datasets", List.of()),
                (String) m.getOrDefault("commit", ""),
                (Map<String, Object>) m.getOrDefault("config", Map.of()),
                metrics);
    }

    /** The stored tags; damaged ones read as one tag {@code _unreadable} naming the problem. */
    static Map<String, String> tags(String json) {
        Map<String, String> out = new TreeMap<>();
        try {
            Json.readMap(json).forEach((k, v) -> out.put(k, String.valueOf(v)));
        } catch (RuntimeException e) {
            return Map.of("_unreadable", "tags: " + e.getMessage());
        }
        return out;
    }

    static String tagsJson(Map<String, String> tags) {
        return Json.write(new TreeMap<>(tags));
    }
}
