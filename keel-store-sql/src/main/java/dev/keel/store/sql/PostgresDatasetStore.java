package dev.keel.store.sql;

import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.NewVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.core.data.RunInput;
import dev.keel.core.data.StoredManifest;
import dev.keel.core.data.Visibility;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link DatasetStore} on PostgreSQL: the team server's dataset metadata, in the tables of schema
 * migration 2 (created or upgraded on open, like the run store's). Connections come from a pool,
 * so many server threads and processes read and write at once; a commit locks the dataset's row
 * first, so concurrent commits to one dataset take turns and get distinct numbers.
 *
 * <pre>
 * try (DatasetStore data = DatasetStores.open("jdbc:postgresql://db:5432/keel?user=keel")) { … }
 * </pre>
 */
public final class PostgresDatasetStore implements DatasetStore {
    private static final String VERSION_COLUMNS =
            "dataset, number, hash, message, author, created_at, file_count, total_bytes, parent";
    private static final String INPUT_COLUMNS = "run_id, dataset, number, hash, used_at";
    private static final int IN_BATCH = 1000;
    /**
     * Which objects each dataset may reference and serve (see {@link DatasetStore#inScope}); kept
     * beside migration 2's tables and created on open, like them idempotent.
     */
    private static final String SCOPE_TABLE = "CREATE TABLE IF NOT EXISTS data_dataset_objects ("
            + " dataset TEXT COLLATE \"C\" NOT NULL, hash TEXT COLLATE \"C\" NOT NULL, PRIMARY KEY (dataset, hash))";
    private final Database db;

    /** Opens the database at {@code url} (credentials as for {@link PostgresStore}), creating the tables. */
    public PostgresDatasetStore(String url) {
        this(url, System.getenv());
    }

    PostgresDatasetStore(String url, Map<String, String> env) {
        this.db = PostgresStore.open(PgUrl.parse(url, env), env);
        try {
            Migrations.migrate(db);
            db.write("create the dataset scope table", c -> {
                try (Statement s = c.createStatement()) {
                    s.execute(SCOPE_TABLE);
                }
                return null;
            });
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    @Override
    public Optional<Dataset> dataset(String name) {
        return first(query("SELECT name, owner, description, visibility, created_at FROM data_datasets WHERE name = ?",
                PostgresDatasetStore::datasetRow, name));
    }

    @Override
    public List<Dataset> datasets() {
        return query("SELECT name, owner, description, visibility, created_at FROM data_datasets ORDER BY name",
                PostgresDatasetStore::datasetRow);
    }

    @Override
    public List<DatasetVersion> versions(String dataset) {
        return query("SELECT " + VERSION_COLUMNS + " FROM data_versions WHERE dataset = ? ORDER BY number",
                PostgresDatasetStore::versionRow, dataset);
    }

    @Override
    public Optional<DatasetVersion> version(String dataset, int number) {
        return first(query("SELECT " + VERSION_COLUMNS + " FROM data_versions WHERE dataset = ? AND number = ?",
                PostgresDatasetStore::versionRow, dataset, number));
    }

    @Override
    public Optional<DatasetVersion> latest(String dataset) {
        return first(query("SELECT " + VERSION_COLUMNS + " FROM data_versions WHERE dataset = ?"
                + " ORDER BY number DESC LIMIT 1", PostgresDatasetStore::versionRow, dataset));
    }

    @Override
    public List<DatasetVersion> versionsByHashPrefix(String dataset, String hexPrefix) {
        return query("SELECT " + VERSION_COLUMNS + " FROM data_versions WHERE dataset = ? AND substr(hash, 8, ?) = ?"
                + " ORDER BY number", PostgresDatasetStore::versionRow, dataset, hexPrefix.length(), hexPrefix);
    }

    @Override
    public List<DatasetVersion> allVersions() {
        return query("SELECT " + VERSION_COLUMNS + " FROM data_versions ORDER BY dataset, number",
                PostgresDatasetStore::versionRow);
    }

    @Override
    public Committed commitVersion(NewVersion v) {
        return db.write("commit a version of dataset " + v.dataset().name(), c -> {
            Dataset d = v.dataset();
            upsertDataset(c, d.name(), d.owner(), d.description(), d.visibility(), d.createdAt());
            lockDataset(c, d.name());
            StoredManifest m = v.manifest();
            Optional<DatasetVersion> latest = first(query(c, "SELECT " + VERSION_COLUMNS + " FROM data_versions"
                    + " WHERE dataset = ? ORDER BY number DESC LIMIT 1", PostgresDatasetStore::versionRow, d.name()));
            insertObjects(c, v.objects());
            if (latest.isPresent() && latest.get().hash().equals(m.hash())) {
                return new Committed(latest.get(), false);
            }
            update(c, "INSERT INTO data_manifests (hash, base, body) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
                    m.hash(), m.base(), m.body());
            int number = latest.map(DatasetVersion::number).orElse(0) + 1;
            DatasetVersion created = new DatasetVersion(d.name(), number, m.hash(), v.message(), v.author(),
                    v.createdAt(), v.fileCount(), v.totalBytes(), v.parent());
            update(c, "INSERT INTO data_versions (" + VERSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    created.dataset(), created.number(), created.hash(), created.message(), created.author(),
                    created.createdAt(), created.fileCount(), created.totalBytes(), created.parent());
            return new Committed(created, true);
        });
    }

    @Override
    public Dataset saveDataset(String name, String owner, String description, Visibility visibility, long now) {
        return db.write("save dataset " + name, c -> {
            upsertDataset(c, name, owner, description, visibility, now);
            return first(query(c, "SELECT name, owner, description, visibility, created_at FROM data_datasets"
                    + " WHERE name = ?", PostgresDatasetStore::datasetRow, name)).orElseThrow();
        });
    }

    private static void upsertDataset(Connection c, String name, String owner, String description,
                                      Visibility visibility, long now) throws SQLException {
        update(c, "INSERT INTO data_datasets (name, owner, description, visibility, created_at) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (name) DO NOTHING", name, owner == null ? "" : owner,
                description == null ? "" : description, (visibility == null ? Visibility.PRIVATE : visibility).id(), now);
        if (description != null && !description.isEmpty()) {
            update(c, "UPDATE data_datasets SET description = ? WHERE name = ?", description, name);
        }
        if (visibility != null) {
            update(c, "UPDATE data_datasets SET visibility = ? WHERE name = ?", visibility.id(), name);
        }
    }

    /** Commits of one dataset take turns on its row, so each sees the other's number. */
    private static void lockDataset(Connection c, String name) throws SQLException {
        query(c, "SELECT name FROM data_datasets WHERE name = ? FOR UPDATE", rs -> rs.getString(1), name);
    }

    private static void insertObjects(Connection c, List<ObjectLocation> objects) throws SQLException {
        if (objects.isEmpty()) {
            return;
        }
        // In key order, so concurrent commits lock index entries in the same order (no deadlock).
        List<ObjectLocation> sorted = new ArrayList<>(objects);
        sorted.sort(Comparator.comparing(ObjectLocation::hash));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO data_objects (hash, pack, \"offset\", length)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING")) {
            for (ObjectLocation o : sorted) {
                ps.setString(1, o.hash());
                ps.setString(2, o.pack());
                ps.setLong(3, o.offset());
                ps.setLong(4, o.length());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public Map<String, Integer> tags(String dataset) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Object[] row : query("SELECT tag, number FROM data_tags WHERE dataset = ? ORDER BY tag",
                rs -> new Object[]{rs.getString(1), rs.getInt(2)}, dataset)) {
            out.put((String) row[0], (Integer) row[1]);
        }
        return out;
    }

    @Override
    public void tag(String dataset, String tag, int number) {
        db.write("tag " + dataset + ":v" + number, c -> update(c, "INSERT INTO data_tags (dataset, tag, number)"
                + " VALUES (?, ?, ?) ON CONFLICT (dataset, tag) DO UPDATE SET number = excluded.number", dataset, tag, number));
    }

    @Override
    public boolean untag(String dataset, String tag) {
        return db.write("untag " + dataset + ":" + tag,
                c -> update(c, "DELETE FROM data_tags WHERE dataset = ? AND tag = ?", dataset, tag)) > 0;
    }

    @Override
    public boolean deleteVersion(String dataset, int number) {
        return db.write("delete " + dataset + ":v" + number, c -> {
            update(c, "DELETE FROM data_tags WHERE dataset = ? AND number = ?", dataset, number);
            update(c, "DELETE FROM data_run_inputs WHERE dataset = ? AND number = ?", dataset, number);
            return update(c, "DELETE FROM data_versions WHERE dataset = ? AND number = ?", dataset, number) > 0;
        });
    }

    @Override
    public boolean deleteDataset(String name) {
        return db.write("delete dataset " + name, c -> {
            update(c, "DELETE FROM data_tags WHERE dataset = ?", name);
            update(c, "DELETE FROM data_run_inputs WHERE dataset = ?", name);
            update(c, "DELETE FROM data_versions WHERE dataset = ?", name);
            update(c, "DELETE FROM data_dataset_objects WHERE dataset = ?", name);
            return update(c, "DELETE FROM data_datasets WHERE name = ?", name) > 0;
        });
    }

    @Override
    public Optional<StoredManifest> manifest(String hash) {
        return first(query("SELECT hash, base, body FROM data_manifests WHERE hash = ?",
                rs -> new StoredManifest(rs.getString(1), rs.getString(2), rs.getBytes(3)), hash));
    }

    @Override
    public Set<String> manifestHashes() {
        return new HashSet<>(query("SELECT hash FROM data_manifests", rs -> rs.getString(1)));
    }

    @Override
    public void deleteManifests(Collection<String> hashes) {
        db.write("delete manifests", c -> {
            for (List<String> part : parts(hashes)) {
                update(c, "DELETE FROM data_manifests WHERE hash = ANY (?)", c.createArrayOf("text", part.toArray()));
            }
            return null;
        });
    }

    @Override
    public Map<String, ObjectLocation> locate(Collection<String> objectHashes) {
        Map<String, ObjectLocation> out = new HashMap<>(objectHashes.size() * 2);
        db.read("locate dataset objects", c -> {
            for (List<String> part : parts(objectHashes)) {
                for (ObjectLocation o : query(c, "SELECT hash, pack, \"offset\", length FROM data_objects"
                        + " WHERE hash = ANY (?)", PostgresDatasetStore::objectRow, c.createArrayOf("text", part.toArray()))) {
                    out.put(o.hash(), o);
                }
            }
            return null;
        });
        return out;
    }

    @Override
    public Set<String> objectHashes() {
        return new HashSet<>(query("SELECT hash FROM data_objects", rs -> rs.getString(1)));
    }

    @Override
    public Set<String> packs() {
        return new HashSet<>(query("SELECT DISTINCT pack FROM data_objects", rs -> rs.getString(1)));
    }

    @Override
    public List<ObjectLocation> objectsInPacks(Collection<String> packs) {
        List<ObjectLocation> out = new ArrayList<>();
        for (String p : packs) {
            out.addAll(query("SELECT hash, pack, \"offset\", length FROM data_objects WHERE pack = ? ORDER BY \"offset\"",
                    PostgresDatasetStore::objectRow, p));
        }
        return out;
    }

    @Override
    public void deletePacks(Collection<String> packs) {
        db.write("forget packs", c -> {
            for (String p : packs) {
                update(c, "DELETE FROM data_objects WHERE pack = ?", p);
            }
            return null;
        });
    }

    @Override
    public Set<String> inScope(String dataset, Collection<String> objectHashes) {
        Set<String> out = new HashSet<>();
        db.read("check dataset objects", c -> {
            for (List<String> part : parts(objectHashes)) {
                out.addAll(query(c, "SELECT hash FROM data_dataset_objects WHERE dataset = ? AND hash = ANY (?)",
                        rs -> rs.getString(1), dataset, c.createArrayOf("text", part.toArray())));
            }
            return null;
        });
        return out;
    }

    @Override
    public void addObjects(String dataset, Collection<ObjectLocation> objects) {
        List<ObjectLocation> sorted = new ArrayList<>(objects);
        db.write("index objects of dataset " + dataset, c -> {
            insertObjects(c, sorted);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO data_dataset_objects (dataset, hash)"
                    + " VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                for (String h : new java.util.TreeSet<>(sorted.stream().map(ObjectLocation::hash).toList())) {
                    ps.setString(1, dataset);
                    ps.setString(2, h);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void recordUse(RunInput input) {
        db.write("record a dataset input of run " + input.runId(), c -> update(c, "INSERT INTO data_run_inputs ("
                + INPUT_COLUMNS + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", input.runId(), input.dataset(),
                input.number(), input.hash(), input.usedAt()));
    }

    @Override
    public List<RunInput> inputsOf(String runId) {
        return query("SELECT " + INPUT_COLUMNS + " FROM data_run_inputs WHERE run_id = ? ORDER BY used_at, dataset, number",
                PostgresDatasetStore::inputRow, runId);
    }

    @Override
    public List<RunInput> usesOf(String dataset, int number) {
        if (number <= 0) {
            return query("SELECT " + INPUT_COLUMNS + " FROM data_run_inputs WHERE dataset = ?"
                    + " ORDER BY used_at DESC, run_id DESC", PostgresDatasetStore::inputRow, dataset);
        }
        return query("SELECT " + INPUT_COLUMNS + " FROM data_run_inputs WHERE dataset = ? AND number = ?"
                + " ORDER BY used_at DESC, run_id DESC", PostgresDatasetStore::inputRow, dataset, number);
    }

    @Override
    public void close() {
        db.close();
    }

    private static List<List<String>> parts(Collection<String> all) {
        List<String> list = new ArrayList<>(all);
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += IN_BATCH) {
            out.add(list.subList(i, Math.min(list.size(), i + IN_BATCH)));
        }
        return out;
    }

    private static Dataset datasetRow(ResultSet rs) throws SQLException {
        return new Dataset(rs.getString(1), rs.getString(2), rs.getString(3), Visibility.parse(rs.getString(4)), rs.getLong(5));
    }

    private static DatasetVersion versionRow(ResultSet rs) throws SQLException {
        return new DatasetVersion(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getInt(9));
    }

    private static ObjectLocation objectRow(ResultSet rs) throws SQLException {
        return new ObjectLocation(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
    }

    private static RunInput inputRow(ResultSet rs) throws SQLException {
        return new RunInput(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getLong(5));
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private <T> List<T> query(String sql, Row<T> row, Object... args) {
        return db.read("read dataset metadata", c -> query(c, sql, row, args));
    }

    private static <T> List<T> query(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
            return out;
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }
}
