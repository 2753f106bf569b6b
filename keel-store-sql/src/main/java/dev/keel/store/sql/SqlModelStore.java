package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.model.AliasMove;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelRef;
import dev.keel.core.model.ModelStore;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.RegisteredModel;
import dev.keel.core.model.VersionDraft;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.keel.store.sql.Jdbc.update;

/**
 * The {@link ModelStore} over schema 9's tables, the same for SQLite and PostgreSQL. Every change
 * is one write transaction through {@link Database} that first locks the model's row
 * ({@link Dialect#lockRow}), so on PostgreSQL the changes of one model happen one at a time while
 * models never wait for each other; SQLite's write transaction already excludes other writers.
 * Rows are removed explicitly, child tables first: SQLite connections do not enforce the
 * schema's foreign keys.
 */
final class SqlModelStore implements ModelStore {
    private final Database db;

    SqlModelStore(Database db) {
        this.db = db;
    }

    @Override
    public ModelVersion register(String name, String project, String owner, VersionDraft draft) {
        ModelRef.checkName(name, name);
        if (draft.files().isEmpty()) {
            throw KeelException.invalid("a version of model " + name + " needs at least one file");
        }
        return db.write("register a version of model " + name, c -> {
            long now = db.dialect().nowMillis(c);
            update(
                    c,
                    "INSERT INTO projects (name, created_at, run_counter) VALUES (?, ?, 0) ON CONFLICT (name) DO NOTHING",
                    project,
                    now);
            update(
                    c,
                    "INSERT INTO models (name, project, owner, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
                            + " ON CONFLICT (name) DO NOTHING",
                    name,
                    project,
                    owner == null ? "" : owner,
                    now,
                    now);
            RegisteredModel model = locked(c, name);
            if (!model.project().equals(project)) {
                throw KeelException.invalid("model " + name + " belongs to project " + model.project() + ", not "
                        + project + ": register this run's files under another name");
            }
            int version = Jdbc.query(c, "SELECT next_version FROM models WHERE name = ?", rs -> rs.getInt(1), name)
                    .get(0);
            update(
                    c,
                    "INSERT INTO model_versions (model, version, run_id, lineage, signature, tags, description,"
                            + " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    name,
                    version,
                    draft.lineage().runId(),
                    ModelRows.lineageJson(draft.lineage()),
                    draft.signature(),
                    ModelRows.tagsJson(draft.tags()),
                    draft.description(),
                    draft.createdBy(),
                    now);
            for (ModelFile f : draft.files()) {
                update(
                        c,
                        "INSERT INTO model_files (model, version, path, hash, size) VALUES (?, ?, ?, ?, ?)",
                        name,
                        version,
                        f.path(),
                        f.hash(),
                        f.size());
            }
            update(c, "UPDATE models SET next_version = ?, updated_at = ? WHERE name = ?", version + 1, now, name);
            return ModelRows.versions(c, name, version).get(0);
        });
    }

    @Override
    public Optional<RegisteredModel> model(String name) {
        return db.read("read model " + name, c -> ModelRows.model(c, name, ""));
    }

    @Override
    public List<RegisteredModel> models() {
        return db.read(
                "list models",
                c -> Jdbc.query(
                        c, "SELECT " + ModelRows.MODEL_COLUMNS + " FROM models ORDER BY name", ModelRows::model));
    }

    @Override
    public List<ModelVersion> versions(String name) {
        return db.read("read model " + name + "'s versions", c -> ModelRows.versions(c, name, 0));
    }

    @Override
    public Optional<ModelVersion> version(String name, int version) {
        if (version <= 0) {
            return Optional.empty();
        }
        return db.read("read " + name + ":v" + version, c -> Jdbc.first(ModelRows.versions(c, name, version)));
    }

    @Override
    public List<ModelVersion> versionsOfRun(String runId) {
        return db.read("read the model versions of run " + runId, c -> {
            List<ModelVersion> out = new ArrayList<>();
            for (Object[] row : Jdbc.query(
                    c,
                    "SELECT model, version FROM model_versions WHERE run_id = ? ORDER BY model, version",
                    rs -> new Object[] {rs.getString(1), rs.getInt(2)},
                    runId)) {
                out.addAll(ModelRows.versions(c, (String) row[0], (Integer) row[1]));
            }
            return out;
        });
    }

    @Override
    public Optional<ModelVersion> latest(String name) {
        return db.read("read the latest version of model " + name, c -> {
            List<Integer> max =
                    Jdbc.query(c, "SELECT MAX(version) FROM model_versions WHERE model = ?", rs -> rs.getInt(1), name);
            int v = max.isEmpty() ? 0 : max.get(0);
            return v == 0 ? Optional.<ModelVersion>empty() : Jdbc.first(ModelRows.versions(c, name, v));
        });
    }

    @Override
    public Map<String, Integer> aliases(String name) {
        return db.read("read model " + name + "'s aliases", c -> aliases(c, name));
    }

    @Override
    public List<AliasMove> aliasMoves(String name) {
        return db.read(
                "read model " + name + "'s alias moves",
                c -> Jdbc.query(
                        c,
                        "SELECT " + ModelRows.MOVE_COLUMNS + " FROM model_alias_moves WHERE model = ? ORDER BY pk",
                        ModelRows::move,
                        name));
    }

    @Override
    public AliasMove moveAlias(String name, String alias, int version, String by) {
        ModelRef.checkAlias(alias);
        if (alias.equals("latest")) {
            throw KeelException.invalid("'latest' always names the newest version of a model and cannot be set: choose"
                    + " another alias, e.g. production");
        }
        return db.write("move alias " + name + "@" + alias, c -> {
            locked(c, name);
            if (ModelRows.versions(c, name, version).isEmpty()) {
                throw KeelException.notFound("model " + name + " has no version v" + version + ": 'keel model versions "
                        + name + "' lists them");
            }
            long now = db.dialect().nowMillis(c);
            Integer from = aliases(c, name).get(alias);
            if (from == null) {
                update(
                        c,
                        "INSERT INTO model_aliases (model, alias, version, moved_by, moved_at) VALUES (?, ?, ?, ?, ?)",
                        name,
                        alias,
                        version,
                        by,
                        now);
            } else {
                update(
                        c,
                        "UPDATE model_aliases SET version = ?, moved_by = ?, moved_at = ? WHERE model = ? AND alias = ?",
                        version,
                        by,
                        now,
                        name,
                        alias);
            }
            return recordMove(c, new AliasMove(name, alias, version, from == null ? 0 : from, by, now));
        });
    }

    @Override
    public boolean removeAlias(String name, String alias, String by) {
        return db.write("remove alias " + name + "@" + alias, c -> {
            locked(c, name);
            Integer from = aliases(c, name).get(alias);
            if (from == null) {
                return false;
            }
            update(c, "DELETE FROM model_aliases WHERE model = ? AND alias = ?", name, alias);
            recordMove(c, new AliasMove(name, alias, 0, from, by, db.dialect().nowMillis(c)));
            return true;
        });
    }

    @Override
    public void tag(String name, int version, Map<String, String> tags) {
        db.write("tag model " + name, c -> {
            RegisteredModel model = locked(c, name);
            long now = db.dialect().nowMillis(c);
            if (version == 0) {
                update(
                        c,
                        "UPDATE models SET tags = ?, updated_at = ? WHERE name = ?",
                        ModelRows.tagsJson(merged(model.tags(), tags)),
                        now,
                        name);
                return null;
            }
            ModelVersion v = Jdbc.first(ModelRows.versions(c, name, version))
                    .orElseThrow(() -> KeelException.notFound("model " + name + " has no version v" + version));
            update(
                    c,
                    "UPDATE model_versions SET tags = ? WHERE model = ? AND version = ?",
                    ModelRows.tagsJson(merged(v.tags(), tags)),
                    name,
                    version);
            update(c, "UPDATE models SET updated_at = ? WHERE name = ?", now, name);
            return null;
        });
    }

    @Override
    public void deleteVersion(String name, int version) {
        db.write("remove " + name + ":v" + version, c -> {
            locked(c, name);
            if (ModelRows.versions(c, name, version).isEmpty()) {
                throw KeelException.notFound("model " + name + " has no version v" + version + ": 'keel model versions "
                        + name + "' lists them");
            }
            List<String> holding = aliases(c, name).entrySet().stream()
                    .filter(e -> e.getValue() == version)
                    .map(e -> name + "@" + e.getKey())
                    .toList();
            if (!holding.isEmpty()) {
                throw KeelException.invalid("cannot remove " + name + ":v" + version + ": " + String.join(", ", holding)
                        + " points at it; move the alias first ('keel model alias " + holding.get(0)
                        + " VERSION')");
            }
            update(c, "DELETE FROM model_files WHERE model = ? AND version = ?", name, version);
            update(c, "DELETE FROM model_versions WHERE model = ? AND version = ?", name, version);
            boolean last = Jdbc.query(c, "SELECT 1 FROM model_versions WHERE model = ?", rs -> 1, name)
                    .isEmpty();
            if (last) {
                update(c, "DELETE FROM model_aliases WHERE model = ?", name);
                update(c, "DELETE FROM models WHERE name = ?", name);
            } else {
                update(
                        c,
                        "UPDATE models SET updated_at = ? WHERE name = ?",
                        db.dialect().nowMillis(c),
                        name);
            }
            return null;
        });
    }

    @Override
    public List<String> heldHashes() {
        return db.read(
                "list the contents model versions hold",
                // MLflow's logged models (schema 10) hold contents a version may later list
                c -> Jdbc.query(
                        c,
                        "SELECT hash FROM model_files UNION SELECT hash FROM mlflow_logged_model_files ORDER BY 1",
                        rs -> rs.getString(1)));
    }

    @Override
    public void describe(String name, int version, String description) {
        String text = description == null ? "" : description;
        db.write("describe model " + name, c -> {
            locked(c, name);
            long now = db.dialect().nowMillis(c);
            if (version == 0) {
                update(c, "UPDATE models SET description = ?, updated_at = ? WHERE name = ?", text, now, name);
                return null;
            }
            if (update(
                            c,
                            "UPDATE model_versions SET description = ? WHERE model = ? AND version = ?",
                            text,
                            name,
                            version)
                    == 0) {
                throw KeelException.notFound("model " + name + " has no version v" + version);
            }
            update(c, "UPDATE models SET updated_at = ? WHERE name = ?", now, name);
            return null;
        });
    }

    @Override
    public void rename(String name, String newName) {
        ModelRef.checkName(newName, newName);
        db.write("rename model " + name + " to " + newName, c -> {
            RegisteredModel m = locked(c, name);
            if (ModelRows.model(c, newName, "").isPresent()) {
                throw new KeelException(
                        KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS,
                        "a model named " + newName + " already exists: choose another name");
            }
            // the new row first and the old one last, so that no foreign key ever points nowhere
            update(
                    c,
                    "INSERT INTO models (name, project, owner, description, tags, next_version, created_at, updated_at)"
                            + " SELECT ?, project, owner, description, tags, next_version, created_at, ? FROM models"
                            + " WHERE name = ?",
                    newName,
                    db.dialect().nowMillis(c),
                    m.name());
            update(
                    c,
                    "INSERT INTO model_versions (model, version, run_id, lineage, signature, tags, description,"
                            + " created_by, created_at) SELECT ?, version, run_id, lineage, signature, tags,"
                            + " description, created_by, created_at FROM model_versions WHERE model = ?",
                    newName,
                    name);
            update(c, "UPDATE model_files SET model = ? WHERE model = ?", newName, name);
            update(c, "UPDATE model_aliases SET model = ? WHERE model = ?", newName, name);
            update(c, "UPDATE model_alias_moves SET model = ? WHERE model = ?", newName, name);
            update(c, "DELETE FROM model_versions WHERE model = ?", name);
            update(c, "DELETE FROM models WHERE name = ?", name);
            return null;
        });
    }

    private RegisteredModel locked(Connection c, String name) throws SQLException {
        return ModelRows.model(c, name, db.dialect().lockRow())
                .orElseThrow(() -> KeelException.notFound(
                        "no model named '" + name + "': 'keel model ls' lists the" + " registered models"));
    }

    private static Map<String, Integer> aliases(Connection c, String name) throws SQLException {
        Map<String, Integer> out = new TreeMap<>();
        for (Object[] row : Jdbc.query(
                c,
                "SELECT alias, version FROM model_aliases WHERE model = ?",
                rs -> new Object[] {rs.getString(1), rs.getInt(2)},
                name)) {
            out.put((String) row[0], (Integer) row[1]);
        }
        return out;
    }

    private AliasMove recordMove(Connection c, AliasMove m) throws SQLException {
        update(
                c,
                "INSERT INTO model_alias_moves (" + ModelRows.MOVE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
                m.model(),
                m.alias(),
                m.version(),
                m.from(),
                m.movedBy(),
                m.movedAt());
        update(c, "UPDATE models SET updated_at = ? WHERE name = ?", m.movedAt(), m.model());
        return m;
    }

    private static Map<String, String> merged(Map<String, String> old, Map<String, String> changes) {
        Map<String, String> out = new LinkedHashMap<>(old);
        changes.forEach((k, v) -> {
            if (v == null || v.isEmpty()) {
                out.remove(k);
            } else {
                out.put(k, v);
            }
        });
        return out;
    }
}
