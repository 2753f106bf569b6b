package dev.keel.store.sql.data;

import dev.keel.core.KeelException;
import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.NewVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.core.data.RunInput;
import dev.keel.core.data.StoredManifest;
import dev.keel.core.data.Visibility;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link DatasetStore} on the embedded SQLite database ({@code .keel/keel.db}), in WAL mode with
 * immediate transactions, so several processes can add versions at once: the writer that
 * commits second waits, then takes the next number.
 */
public final class SqliteDatasetStore implements DatasetStore {
    private static final String VERSION_COLUMNS =
            "dataset, number, hash, message, author, created_at, file_count, total_bytes, parent";
    private static final int IN_BATCH = 500;
    private static final String SCHEMA = "/dev/keel/store/sql/migrations/sqlite/V2.sql";
    /**
     * Which objects each dataset may reference and serve ({@link DatasetStore#inScope}); kept
     * beside migration 2's tables and created on open, like them idempotent.
     */
    private static final String SCOPE_TABLE = "CREATE TABLE IF NOT EXISTS data_dataset_objects ("
            + " dataset TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (dataset, hash)) WITHOUT ROWID";
    private final Connection db;
    private final Path file;

    private SqliteDatasetStore(Connection db, Path file) {
        this.db = db;
        this.file = file;
    }

    public static SqliteDatasetStore open(Path dbFile) {
        try {
            Files.createDirectories(dbFile.toAbsolutePath().getParent());
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(60_000);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            config.enforceForeignKeys(true);
            dev.keel.store.sql.SqliteNative.prepare();
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile, config.toProperties());
            SqliteDatasetStore store = new SqliteDatasetStore(c, dbFile);
            store.createSchema();
            return store;
        } catch (SQLException | IOException e) {
            throw new KeelException(KeelException.ErrorCode.STORAGE_FAILURE,
                    "cannot open the dataset tables in " + dbFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the dataset tables from schema migration 2 when they are missing: the run store
     * applies the same script in order, and both are idempotent, so whichever opens first wins.
     * Checked with a read first, so opening never waits for the write lock of busy writers.
     */
    private void createSchema() throws SQLException, IOException {
        if (!query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'data_dataset_objects'",
                rs -> rs.getString(1)).isEmpty()) {
            return;
        }
        String sql;
        try (InputStream in = SqliteDatasetStore.class.getResourceAsStream(SCHEMA)) {
            if (in == null) {
                throw new IOException(SCHEMA + " missing from the class path");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        inTransaction(() -> {
            try (Statement st = db.createStatement()) {
                for (String part : sql.replaceAll("(?m)^--.*$", "").split(";")) {
                    if (!part.isBlank()) {
                        st.execute(part);
                    }
                }
                st.execute(SCOPE_TABLE);
            }
            return null;
        });
    }

    @Override
    public synchronized Optional<Dataset> dataset(String name) {
        return query("SELECT name, owner, description, visibility, created_at FROM data_datasets WHERE name = ?",
                SqliteDatasetStore::datasetRow, name).stream().findFirst();
    }

    @Override
    public synchronized List<Dataset> datasets() {
        return query("SELECT name, owner, description, visibility, created_at FROM data_datasets ORDER BY name",
                SqliteDatasetStore::datasetRow);
    }

    @Override
    public synchronized List<DatasetVersion> versions(String dataset) {
        return query("SELECT " + VERSION_COLUMNS + " FROM data_versions WHERE dataset = ? ORDER BY number",
                SqliteDatasetStore::versionRow, dataset);
    }

    @Override
    public synchronized Optional<DatasetVersion> version(String dataset, int number) {
        return query("SELECT " + VERSION_COLUMNS + " FROM data_versions WHERE dataset = ? AND number = ?",
                SqliteDatasetStore::versionRow, dataset, number).stream().findFirst();
    }

    @Override
    public synchronized Optional<DatasetVersion> latest(String dataset) {
        return query("SELECT " + VERSION_COLUMNS + " FROM data_versions WHERE dataset = ? ORDER BY number DESC LIMIT 1",
                SqliteDatasetStore::versionRow, dataset).stream().findFirst();
    }

    @Override
    public synchronized List<DatasetVersion> versionsByHashPrefix(String dataset, String hexPrefix) {
        return query("SELECT " + VERSION_COLUMNS + " FROM data_versions WHERE dataset = ? AND substr(hash, 8, ?) = ?"
                + " ORDER BY number", SqliteDatasetStore::versionRow, dataset, hexPrefix.length(), hexPrefix);
    }

    @Override
    public synchronized List<DatasetVersion> allVersions() {
        return query("SELECT " + VERSION_COLUMNS + " FROM data_versions ORDER BY dataset, number",
                SqliteDatasetStore::versionRow);
    }

    @Override
    public synchronized Committed commitVersion(NewVersion v) {
        return inTransaction(() -> {
            Dataset d = v.dataset();
            upsertDataset(d.name(), d.owner(), d.description(), d.visibility(), d.createdAt());
            StoredManifest m = v.manifest();
            Optional<DatasetVersion> latest = latest(d.name());
            if (latest.isPresent() && latest.get().hash().equals(m.hash())) {
                // Objects may still be new (e.g. repaired data); index them, but make no version.
                insertObjects(v.objects());
                return new Committed(latest.get(), false);
            }
            insertObjects(v.objects());
            update("INSERT OR IGNORE INTO data_manifests(hash, base, body) VALUES (?, ?, ?)", m.hash(), m.base(), m.body());
            int number = latest.map(DatasetVersion::number).orElse(0) + 1;
            DatasetVersion created = new DatasetVersion(d.name(), number, m.hash(), v.message(), v.author(),
                    v.createdAt(), v.fileCount(), v.totalBytes(), v.parent());
            update("INSERT INTO data_versions(" + VERSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    created.dataset(), created.number(), created.hash(), created.message(), created.author(),
                    created.createdAt(), created.fileCount(), created.totalBytes(), created.parent());
            return new Committed(created, true);
        });
    }

    @Override
    public synchronized Dataset saveDataset(String name, String owner, String description, Visibility visibility, long now) {
        return inTransaction(() -> {
            upsertDataset(name, owner, description, visibility, now);
            return dataset(name).orElseThrow();
        });
    }

    private void upsertDataset(String name, String owner, String description, Visibility visibility, long now)
            throws SQLException {
        update("INSERT OR IGNORE INTO data_datasets(name, owner, description, visibility, created_at) VALUES (?, ?, ?, ?, ?)",
                name, owner == null ? "" : owner, description == null ? "" : description,
                (visibility == null ? Visibility.PRIVATE : visibility).id(), now);
        if (description != null && !description.isEmpty()) {
            update("UPDATE data_datasets SET description = ? WHERE name = ?", description, name);
        }
        if (visibility != null) {
            update("UPDATE data_datasets SET visibility = ? WHERE name = ?", visibility.id(), name);
        }
    }

    private void insertObjects(List<ObjectLocation> objects) throws SQLException {
        if (objects.isEmpty()) {
            return;
        }
        // In key order, so the B-tree is appended to rather than split at random places.
        List<ObjectLocation> sorted = new ArrayList<>(objects);
        sorted.sort(java.util.Comparator.comparing(ObjectLocation::hash));
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT OR IGNORE INTO data_objects(hash, pack, offset, length) VALUES (?, ?, ?, ?)")) {
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
    public synchronized Map<String, Integer> tags(String dataset) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Object[] row : query("SELECT tag, number FROM data_tags WHERE dataset = ? ORDER BY tag",
                rs -> new Object[]{rs.getString(1), rs.getInt(2)}, dataset)) {
            out.put((String) row[0], (Integer) row[1]);
        }
        return out;
    }

    @Override
    public synchronized void tag(String dataset, String tag, int number) {
        inTransaction(() -> update("INSERT OR REPLACE INTO data_tags(dataset, tag, number) VALUES (?, ?, ?)",
                dataset, tag, number));
    }

    @Override
    public synchronized boolean untag(String dataset, String tag) {
        return inTransaction(() -> update("DELETE FROM data_tags WHERE dataset = ? AND tag = ?", dataset, tag)) > 0;
    }

    @Override
    public synchronized boolean deleteVersion(String dataset, int number) {
        return inTransaction(() -> {
            update("DELETE FROM data_tags WHERE dataset = ? AND number = ?", dataset, number);
            update("DELETE FROM data_run_inputs WHERE dataset = ? AND number = ?", dataset, number);
            return update("DELETE FROM data_versions WHERE dataset = ? AND number = ?", dataset, number) > 0;
        });
    }

    @Override
    public synchronized boolean deleteDataset(String name) {
        return inTransaction(() -> {
            update("DELETE FROM data_tags WHERE dataset = ?", name);
            update("DELETE FROM data_run_inputs WHERE dataset = ?", name);
            update("DELETE FROM data_versions WHERE dataset = ?", name);
            update("DELETE FROM data_dataset_objects WHERE dataset = ?", name);
            return update("DELETE FROM data_datasets WHERE name = ?", name) > 0;
        });
    }

    @Override
    public synchronized Optional<StoredManifest> manifest(String hash) {
        return query("SELECT hash, base, body FROM data_manifests WHERE hash = ?",
                rs -> new StoredManifest(rs.getString(1), rs.getString(2), rs.getBytes(3)), hash).stream().findFirst();
    }

    @Override
    public synchronized Set<String> manifestHashes() {
        return new HashSet<>(query("SELECT hash FROM data_manifests", rs -> rs.getString(1)));
    }

    @Override
    public synchronized void deleteManifests(Collection<String> hashes) {
        inTransaction(() -> {
            for (String h : hashes) {
                update("DELETE FROM data_manifests WHERE hash = ?", h);
            }
            return null;
        });
    }

    @Override
    public synchronized Map<String, ObjectLocation> locate(Collection<String> objectHashes) {
        Map<String, ObjectLocation> out = new HashMap<>(objectHashes.size() * 2);
        List<String> all = new ArrayList<>(objectHashes);
        for (int i = 0; i < all.size(); i += IN_BATCH) {
            List<String> part = all.subList(i, Math.min(all.size(), i + IN_BATCH));
            String sql = "SELECT hash, pack, offset, length FROM data_objects WHERE hash IN ("
                    + "?,".repeat(part.size() - 1) + "?)";
            for (ObjectLocation o : query(sql, SqliteDatasetStore::objectRow, part.toArray())) {
                out.put(o.hash(), o);
            }
        }
        return out;
    }

    @Override
    public synchronized Set<String> objectHashes() {
        return new HashSet<>(query("SELECT hash FROM data_objects", rs -> rs.getString(1)));
    }

    @Override
    public synchronized Set<String> packs() {
        return new HashSet<>(query("SELECT DISTINCT pack FROM data_objects", rs -> rs.getString(1)));
    }

    @Override
    public synchronized List<ObjectLocation> objectsInPacks(Collection<String> packs) {
        List<ObjectLocation> out = new ArrayList<>();
        for (String p : packs) {
            out.addAll(query("SELECT hash, pack, offset, length FROM data_objects WHERE pack = ? ORDER BY offset",
                    SqliteDatasetStore::objectRow, p));
        }
        return out;
    }

    @Override
    public synchronized void deletePacks(Collection<String> packs) {
        inTransaction(() -> {
            for (String p : packs) {
                update("DELETE FROM data_objects WHERE pack = ?", p);
            }
            return null;
        });
    }

    @Override
    public synchronized Set<String> inScope(String dataset, Collection<String> objectHashes) {
        Set<String> out = new HashSet<>();
        List<String> all = new ArrayList<>(objectHashes);
        for (int i = 0; i < all.size(); i += IN_BATCH) {
            List<String> part = all.subList(i, Math.min(all.size(), i + IN_BATCH));
            Object[] args = new Object[part.size() + 1];
            args[0] = dataset;
            for (int j = 0; j < part.size(); j++) {
                args[j + 1] = part.get(j);
            }
            out.addAll(query("SELECT hash FROM data_dataset_objects WHERE dataset = ? AND hash IN ("
                    + "?,".repeat(part.size() - 1) + "?)", rs -> rs.getString(1), args));
        }
        return out;
    }

    @Override
    public synchronized void addObjects(String dataset, Collection<ObjectLocation> objects) {
        List<ObjectLocation> sorted = new ArrayList<>(objects);
        sorted.sort(java.util.Comparator.comparing(ObjectLocation::hash));
        inTransaction(() -> {
            insertObjects(sorted);
            try (PreparedStatement ps = db.prepareStatement(
                    "INSERT OR IGNORE INTO data_dataset_objects(dataset, hash) VALUES (?, ?)")) {
                for (ObjectLocation o : sorted) {
                    ps.setString(1, dataset);
                    ps.setString(2, o.hash());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public synchronized void recordUse(RunInput input) {
        inTransaction(() -> update("INSERT OR IGNORE INTO data_run_inputs(run_id, dataset, number, hash, used_at)"
                + " VALUES (?, ?, ?, ?, ?)", input.runId(), input.dataset(), input.number(), input.hash(), input.usedAt()));
    }

    @Override
    public synchronized List<RunInput> inputsOf(String runId) {
        return query("SELECT run_id, dataset, number, hash, used_at FROM data_run_inputs WHERE run_id = ?"
                + " ORDER BY used_at, rowid", SqliteDatasetStore::inputRow, runId);
    }

    @Override
    public synchronized List<RunInput> usesOf(String dataset, int number) {
        if (number <= 0) {
            return query("SELECT run_id, dataset, number, hash, used_at FROM data_run_inputs WHERE dataset = ?"
                    + " ORDER BY used_at DESC, rowid DESC", SqliteDatasetStore::inputRow, dataset);
        }
        return query("SELECT run_id, dataset, number, hash, used_at FROM data_run_inputs WHERE dataset = ? AND number = ?"
                + " ORDER BY used_at DESC, rowid DESC", SqliteDatasetStore::inputRow, dataset, number);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // Closing cannot lose committed data; nothing useful to do.
        }
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

    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    private <T> T inTransaction(Work<T> work) {
        try {
            boolean outer = db.getAutoCommit();
            if (!outer) {
                return work.run();
            }
            db.setAutoCommit(false);
            try {
                T result = work.run();
                db.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private KeelException failure(SQLException e) {
        String hint = e.getMessage() != null && e.getMessage().contains("SQLITE_FULL")
                ? ": the disk is full; free space and retry (nothing was recorded)" : "";
        return new KeelException(KeelException.ErrorCode.STORAGE_FAILURE,
                "dataset store " + file + " failed: " + e.getMessage() + hint, e);
    }
}
