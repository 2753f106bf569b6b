package dev.keel.store.sql;

import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.store.Experiment;
import dev.keel.core.store.ExperimentStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@link ExperimentStore} of a SQL store: one row of {@code mlflow_experiments} per project
 * that MLflow's API has seen, in the run store's database (schema 3), so several servers on one
 * PostgreSQL database hand out the same ids.
 */
final class ExperimentTable implements ExperimentStore {
    private static final String COLUMNS =
            "id, name, project, artifact_location, lifecycle_stage, creation_time, last_update_time, tags";

    private final Database db;

    ExperimentTable(Database db) {
        this.db = db;
    }

    @Override
    public Experiment create(
            String name, String project, String artifactLocation, Map<String, String> tags, long now, boolean id0) {
        return db.write("create experiment " + name, c -> {
            exclusive(c);
            if (find(c, "name", name).isPresent()) {
                throw new KeelException(
                        KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS,
                        "experiment '" + name + "' already exists: pick another name");
            }
            if (find(c, "project", project).isPresent()) {
                throw new KeelException(
                        KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS,
                        "an experiment for project '" + project + "' already exists: pick another name");
            }
            long id;
            if (id0 && find(c, "id", 0L).isEmpty()) {
                id = 0;
            } else {
                Long max = BatchWriter.queryLong(c, "SELECT MAX(id) FROM mlflow_experiments");
                id = max == null ? 1 : Math.max(1, max + 1);
            }
            BatchWriter.update(
                    c,
                    "INSERT INTO mlflow_experiments (" + COLUMNS + ") VALUES (?, ?, ?, ?, 'active', ?, ?, ?)",
                    id,
                    name,
                    project,
                    artifactLocation == null ? "" : artifactLocation,
                    now,
                    now,
                    Json.write(new TreeMap<>(tags)));
            return find(c, "id", id).orElseThrow();
        });
    }

    @Override
    public Optional<Experiment> byId(long id) {
        return db.read("read experiment " + id, c -> find(c, "id", id));
    }

    @Override
    public Optional<Experiment> byName(String name) {
        return db.read("read experiment " + name, c -> find(c, "name", name));
    }

    @Override
    public Optional<Experiment> byProject(String project) {
        return db.read("read the experiment of project " + project, c -> find(c, "project", project));
    }

    @Override
    public List<Experiment> all() {
        return db.read("list experiments", c -> {
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT " + COLUMNS + " FROM mlflow_experiments ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                List<Experiment> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row(rs));
                }
                return out;
            }
        });
    }

    /**
     * Renames the experiment and its Keel project with it, in one transaction: the project's runs,
     * sweeps, models, held blobs and ownership move to the new name, and the old name is free.
     */
    @Override
    public void rename(long id, String newName, long now) {
        db.write("rename experiment " + id, c -> {
            exclusive(c);
            Experiment e =
                    find(c, "id", id).orElseThrow(() -> KeelException.notFound("experiment " + id + " does not exist"));
            Optional<Experiment> other = find(c, "name", newName);
            if (other.isPresent() && other.get().id() != id) {
                throw new KeelException(
                        KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS,
                        "experiment '" + newName + "' already exists: pick another name");
            }
            String old = e.project();
            if (!old.equals(newName)) {
                if (taken(c, newName)) {
                    throw new KeelException(
                            KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS,
                            "a Keel project named '" + newName + "' already exists: pick another name");
                }
                moveProject(c, old, newName);
            }
            return BatchWriter.update(
                    c, "UPDATE mlflow_experiments SET name = ?, last_update_time = ? WHERE id = ?", newName, now, id);
        });
    }

    private static boolean taken(Connection c, String project) throws SQLException {
        return BatchWriter.queryLong(c, "SELECT COUNT(*) FROM projects WHERE name = ?", project) > 0
                || BatchWriter.queryLong(c, "SELECT COUNT(*) FROM mlflow_experiments WHERE project = ?", project) > 0
                || BatchWriter.queryLong(c, "SELECT COUNT(*) FROM access_projects WHERE name = ?", project) > 0;
    }

    /**
     * Moves everything filed under project {@code from} to {@code to}. The new project row is added
     * before its references move and the old one removed after, so foreign keys hold throughout.
     */
    private static void moveProject(Connection c, String from, String to) throws SQLException {
        BatchWriter.update(
                c,
                "INSERT INTO projects (name, created_at, run_counter)"
                        + " SELECT ?, created_at, run_counter FROM projects WHERE name = ?",
                to,
                from);
        for (String table : List.of("runs", "sweeps", "models", "blob_holders")) {
            BatchWriter.update(c, "UPDATE " + table + " SET project = ? WHERE project = ?", to, from);
        }
        BatchWriter.update(c, "DELETE FROM projects WHERE name = ?", from);
        BatchWriter.update(c, "UPDATE access_projects SET name = ? WHERE name = ?", to, from);
        BatchWriter.update(c, "UPDATE mlflow_experiments SET project = ? WHERE project = ?", to, from);
    }

    @Override
    public void setLifecycleStage(long id, String stage, long now) {
        db.write(
                "change experiment " + id,
                c -> BatchWriter.update(
                        c,
                        "UPDATE mlflow_experiments SET lifecycle_stage = ?, last_update_time = ? WHERE id = ?",
                        stage,
                        now,
                        id));
    }

    /** Read and written in one transaction, so concurrent tag writes are not lost. */
    @Override
    public void setTag(long id, String key, String value, long now) {
        db.write("tag experiment " + id, c -> {
            exclusive(c);
            Experiment e =
                    find(c, "id", id).orElseThrow(() -> KeelException.notFound("experiment " + id + " does not exist"));
            Map<String, String> tags = new TreeMap<>(e.tags());
            if (value == null) {
                tags.remove(key);
            } else {
                tags.put(key, value);
            }
            return BatchWriter.update(
                    c,
                    "UPDATE mlflow_experiments SET tags = ?, last_update_time = ? WHERE id = ?",
                    Json.write(tags),
                    now,
                    id);
        });
    }

    /**
     * Takes turns with other writers of this table until the transaction ends: on PostgreSQL two
     * servers would otherwise pick the same next id, or lose one of two concurrent tag writes
     * (READ COMMITTED). The schema's advisory lock serves; these writes are rare and short.
     * SQLite's write transaction already excludes every other writer.
     */
    private void exclusive(Connection c) throws SQLException {
        db.dialect().lockSchema(c);
    }

    private static Optional<Experiment> find(Connection c, String column, Object value) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT " + COLUMNS + " FROM mlflow_experiments WHERE " + column + " = ?")) {
            BatchWriter.bind(ps, new Object[] {value});
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static Experiment row(ResultSet rs) throws SQLException {
        Map<String, String> tags = new LinkedHashMap<>();
        Json.readMap(rs.getString(8)).forEach((k, v) -> tags.put(k, String.valueOf(v)));
        return new Experiment(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getLong(6),
                rs.getLong(7),
                tags);
    }
}
