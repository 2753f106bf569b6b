package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.RegisteredModel;
import dev.keel.core.store.LoggedModel;
import dev.keel.core.store.LoggedModelMetric;
import dev.keel.core.store.MlflowModelStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.keel.store.sql.Jdbc.update;

/**
 * The {@link MlflowModelStore} over schema 10's tables, the same for SQLite and PostgreSQL. Each
 * change is one write transaction; a logged model's row is locked first, so concurrent tag and
 * param writes to one model are not lost.
 */
final class SqlMlflowModels implements MlflowModelStore {
    private static final String LOGGED = "id, experiment_id, name, source_run_id, model_type, status, status_message,"
            + " lifecycle_stage, created_by, creation_time, last_updated_time, tags, params";
    private static final String EMPTY = "name, owner, description, tags, created_at, updated_at";

    private static final String METRIC =
            "model_id, metric_key, step, logged_at, run_id, dataset_name, dataset_digest, value_bits";
    /** Model ids per IN (…) list: well below SQLite's and PostgreSQL's limits on bound parameters. */
    private static final int IN_CHUNK = 500;

    private final Database db;

    SqlMlflowModels(Database db) {
        this.db = db;
    }

    @Override
    public LoggedModel createLoggedModel(LoggedModel m) {
        return db.write("create logged model " + m.id(), c -> {
            if (find(c, m.id(), "").isPresent()) {
                throw new KeelException(
                        KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS, "logged model " + m.id() + " already exists");
            }
            update(
                    c,
                    "INSERT INTO mlflow_logged_models (" + LOGGED + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    m.id(),
                    m.experimentId(),
                    m.name(),
                    m.sourceRunId(),
                    m.modelType(),
                    m.status(),
                    m.statusMessage(),
                    m.lifecycleStage(),
                    m.createdBy(),
                    m.creationTime(),
                    m.lastUpdatedTime(),
                    ModelRows.tagsJson(m.tags()),
                    ModelRows.tagsJson(m.params()));
            return find(c, m.id(), "").orElseThrow();
        });
    }

    @Override
    public Optional<LoggedModel> loggedModel(String id) {
        return db.read("read logged model " + id, c -> find(c, id, ""));
    }

    @Override
    public List<LoggedModel> loggedModels(Collection<Long> experimentIds) {
        if (experimentIds.isEmpty()) {
            return List.of();
        }
        return db.read("list logged models", c -> {
            List<LoggedModel> out = new ArrayList<>();
            for (List<Long> part : Jdbc.parts(experimentIds)) {
                out.addAll(Jdbc.query(
                        c,
                        "SELECT " + LOGGED + " FROM mlflow_logged_models WHERE experiment_id IN "
                                + Jdbc.placeholders(part),
                        SqlMlflowModels::logged,
                        part.toArray()));
            }
            out.sort((a, b) -> a.creationTime() != b.creationTime()
                    ? Long.compare(b.creationTime(), a.creationTime())
                    : a.id().compareTo(b.id()));
            return out;
        });
    }

    @Override
    public void finalizeLoggedModel(String id, String status, String message, long now) {
        change(
                id,
                "finalize",
                c -> update(
                        c,
                        "UPDATE mlflow_logged_models SET status = ?, status_message = ?, last_updated_time = ? WHERE id = ?",
                        status,
                        message == null ? "" : message,
                        now,
                        id));
    }

    @Override
    public void setLoggedModelDeleted(String id, boolean deleted, long now) {
        change(
                id,
                "delete",
                c -> update(
                        c,
                        "UPDATE mlflow_logged_models SET lifecycle_stage = ?, last_updated_time = ? WHERE id = ?",
                        deleted ? "deleted" : "active",
                        now,
                        id));
    }

    @Override
    public void tagLoggedModel(String id, Map<String, String> tags, long now) {
        db.write("tag logged model " + id, c -> {
            LoggedModel m = locked(c, id);
            Map<String, String> merged = new TreeMap<>(m.tags());
            tags.forEach((k, v) -> {
                if (v == null) {
                    merged.remove(k);
                } else {
                    merged.put(k, v);
                }
            });
            update(
                    c,
                    "UPDATE mlflow_logged_models SET tags = ?, last_updated_time = ? WHERE id = ?",
                    ModelRows.tagsJson(merged),
                    now,
                    id);
            return null;
        });
    }

    @Override
    public void logLoggedModelParams(String id, Map<String, String> params, long now) {
        db.write("log params of logged model " + id, c -> {
            LoggedModel m = locked(c, id);
            Map<String, String> merged = new TreeMap<>(params);
            merged.putAll(m.params());
            update(
                    c,
                    "UPDATE mlflow_logged_models SET params = ?, last_updated_time = ? WHERE id = ?",
                    ModelRows.tagsJson(merged),
                    now,
                    id);
            return null;
        });
    }

    @Override
    public List<ModelFile> loggedModelFiles(String id) {
        return db.read(
                "list the files of logged model " + id,
                c -> Jdbc.query(
                        c,
                        "SELECT path, hash, size FROM mlflow_logged_model_files WHERE model_id = ? ORDER BY path",
                        rs -> new ModelFile(rs.getString(1), rs.getString(2), rs.getLong(3)),
                        id));
    }

    @Override
    public void putLoggedModelFile(String id, ModelFile file, long now) {
        db.write("store a file of logged model " + id, c -> {
            locked(c, id);
            update(c, "DELETE FROM mlflow_logged_model_files WHERE model_id = ? AND path = ?", id, file.path());
            update(
                    c,
                    "INSERT INTO mlflow_logged_model_files (model_id, path, hash, size) VALUES (?, ?, ?, ?)",
                    id,
                    file.path(),
                    file.hash(),
                    file.size());
            update(c, "UPDATE mlflow_logged_models SET last_updated_time = ? WHERE id = ?", now, id);
            return null;
        });
    }

    @Override
    public void removeLoggedModelFiles(String id, String path, long now) {
        db.write("remove files of logged model " + id, c -> {
            locked(c, id);
            if (path == null || path.isEmpty()) {
                update(c, "DELETE FROM mlflow_logged_model_files WHERE model_id = ?", id);
            } else {
                // a prefix compared as text, not LIKE: paths may hold '%' and '_'
                update(
                        c,
                        "DELETE FROM mlflow_logged_model_files WHERE model_id = ? AND (path = ? OR substr(path, 1, ?) = ?)",
                        id,
                        path,
                        path.length() + 1,
                        path + "/");
            }
            update(c, "UPDATE mlflow_logged_models SET last_updated_time = ? WHERE id = ?", now, id);
            return null;
        });
    }

    @Override
    public void logLoggedModelMetrics(List<LoggedModelMetric> metrics) {
        if (metrics.isEmpty()) {
            return;
        }
        db.write("log metrics of logged models", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO mlflow_logged_model_metrics (" + METRIC
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (LoggedModelMetric m : metrics) {
                    Jdbc.bind(
                            ps,
                            m.modelId(),
                            m.key(),
                            m.step(),
                            m.timestamp(),
                            m.runId(),
                            m.datasetName(),
                            m.datasetDigest(),
                            Double.doubleToRawLongBits(m.value()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public Map<String, List<LoggedModelMetric>> loggedModelMetrics(Collection<String> modelIds) {
        Map<String, List<LoggedModelMetric>> out = new TreeMap<>();
        List<String> ids = List.copyOf(new TreeSet<>(modelIds));
        for (int from = 0; from < ids.size(); from += IN_CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_CHUNK));
            List<LoggedModelMetric> rows = db.read(
                    "read the metrics of logged models",
                    c -> Jdbc.query(
                            c,
                            "SELECT " + METRIC + " FROM mlflow_logged_model_metrics WHERE model_id IN ("
                                    + String.join(", ", Collections.nCopies(chunk.size(), "?"))
                                    + ") ORDER BY model_id, metric_key, step, logged_at, run_id, dataset_name,"
                                    + " dataset_digest",
                            rs -> new LoggedModelMetric(
                                    rs.getString(1),
                                    rs.getString(2),
                                    Double.longBitsToDouble(rs.getLong(8)),
                                    rs.getLong(4),
                                    rs.getLong(3),
                                    rs.getString(5),
                                    rs.getString(6),
                                    rs.getString(7)),
                            chunk.toArray()));
            for (LoggedModelMetric m : rows) {
                out.computeIfAbsent(m.modelId(), k -> new ArrayList<>()).add(m);
            }
        }
        return out;
    }

    @Override
    public List<String> loggedModelHashes() {
        return db.read(
                "list the contents logged models hold",
                c -> Jdbc.query(
                        c, "SELECT DISTINCT hash FROM mlflow_logged_model_files ORDER BY hash", rs -> rs.getString(1)));
    }

    @Override
    public RegisteredModel createEmptyModel(
            String name, String owner, String description, Map<String, String> tags, long now) {
        return db.write("create registered model " + name, c -> {
            if (empty(c, name).isPresent()) {
                throw new KeelException(
                        KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS,
                        "Registered Model (name=" + name + ") already exists.");
            }
            update(
                    c,
                    "INSERT INTO mlflow_empty_models (" + EMPTY + ") VALUES (?, ?, ?, ?, ?, ?)",
                    name,
                    owner == null ? "" : owner,
                    description == null ? "" : description,
                    ModelRows.tagsJson(tags),
                    now,
                    now);
            return empty(c, name).orElseThrow();
        });
    }

    @Override
    public Optional<RegisteredModel> emptyModel(String name) {
        return db.read("read registered model " + name, c -> empty(c, name));
    }

    @Override
    public List<RegisteredModel> emptyModels() {
        return db.read(
                "list registered models without versions",
                c -> Jdbc.query(
                        c, "SELECT " + EMPTY + " FROM mlflow_empty_models ORDER BY name", SqlMlflowModels::emptyRow));
    }

    @Override
    public void updateEmptyModel(String name, String description, Map<String, String> tags, long now) {
        db.write("update registered model " + name, c -> {
            int n = update(
                    c,
                    "UPDATE mlflow_empty_models SET description = ?, tags = ?, updated_at = ? WHERE name = ?",
                    description == null ? "" : description,
                    ModelRows.tagsJson(tags),
                    now,
                    name);
            if (n == 0) {
                throw KeelException.notFound("Registered Model with name=" + name + " not found");
            }
            return null;
        });
    }

    @Override
    public void renameEmptyModel(String name, String newName, long now) {
        db.write("rename registered model " + name, c -> {
            if (empty(c, newName).isPresent()) {
                throw new KeelException(
                        KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS,
                        "Registered Model (name=" + newName + ") already exists.");
            }
            int n = update(
                    c, "UPDATE mlflow_empty_models SET name = ?, updated_at = ? WHERE name = ?", newName, now, name);
            if (n == 0) {
                throw KeelException.notFound("Registered Model with name=" + name + " not found");
            }
            return null;
        });
    }

    @Override
    public boolean deleteEmptyModel(String name) {
        return db.write(
                "delete registered model " + name,
                c -> update(c, "DELETE FROM mlflow_empty_models WHERE name = ?", name) > 0);
    }

    private interface Change {
        int apply(Connection c) throws SQLException;
    }

    private void change(String id, String what, Change change) {
        db.write(what + " logged model " + id, c -> {
            locked(c, id);
            change.apply(c);
            return null;
        });
    }

    private LoggedModel locked(Connection c, String id) throws SQLException {
        return find(c, id, db.dialect().lockRow())
                .orElseThrow(() -> KeelException.notFound("Logged model with ID '" + id + "' not found"));
    }

    private static Optional<LoggedModel> find(Connection c, String id, String lock) throws SQLException {
        return Jdbc.first(Jdbc.query(
                c, "SELECT " + LOGGED + " FROM mlflow_logged_models WHERE id = ?" + lock, SqlMlflowModels::logged, id));
    }

    private static Optional<RegisteredModel> empty(Connection c, String name) throws SQLException {
        return Jdbc.first(Jdbc.query(
                c, "SELECT " + EMPTY + " FROM mlflow_empty_models WHERE name = ?", SqlMlflowModels::emptyRow, name));
    }

    private static LoggedModel logged(ResultSet rs) throws SQLException {
        return new LoggedModel(
                rs.getString(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getLong(10),
                rs.getLong(11),
                ModelRows.tags(rs.getString(12)),
                ModelRows.tags(rs.getString(13)));
    }

    private static RegisteredModel emptyRow(ResultSet rs) throws SQLException {
        return new RegisteredModel(
                rs.getString(1),
                "",
                rs.getString(2),
                rs.getString(3),
                ModelRows.tags(rs.getString(4)),
                rs.getLong(5),
                rs.getLong(6));
    }
}
