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
import java.util.TreeSet;

import static dev.keel.store.sql.Jdbc.first;
import static dev.keel.store.sql.Jdbc.parts;
import static dev.keel.store.sql.Jdbc.placeholders;
import static dev.keel.store.sql.Jdbc.update;

/**
 * The {@link DatasetStore} over a SQL database, the same for SQLite and PostgreSQL as
 * {@link SqlStore} is: the tables of schema migrations 2 and 7, created or upgraded on open by
 * {@link Migrations}; writes in one transaction each through {@link Database} (several processes
 * may add versions at once). A commit locks its dataset's row first where the database has row
 * locks, so concurrent commits to one dataset take turns and get distinct numbers; SQLite's write
 * transaction already excludes every other writer.
 *
 * <pre>
 * try (DatasetStore data = DatasetStores.open("sqlite:.keel/keel.db")) { … }
 * </pre>
 * Opened through {@link dev.keel.core.data.DatasetStores#open} with {@code sqlite:PATH} or a
 * {@code jdbc:postgresql:} URL (credentials as for {@link PostgresStore}).
 */
public final class SqlDatasetStore implements DatasetStore {
    private static final String VERSION_COLUMNS =
            "dataset, number, hash, message, author, created_at, file_count, total_bytes, parent";
    private static final String INPUT_COLUMNS = "run_id, dataset, number, hash, used_at";
    private static final String DATASET_COLUMNS = "name, owner, description, visibility, created_at";
    /** {@code offset} is a reserved word in PostgreSQL; both databases take it quoted. */
    private static final String OBJECT_COLUMNS = "hash, pack, \"offset\", length";
    /** Below this many objects wanted, a lookup by hash is cheap whatever the table holds. */
    static final int SCAN_FROM = 2000;
    /** A scan is chosen when the table holds at most this many rows per object wanted. */
    static final int SCAN_RATIO = 4;

    private final Database db;

    /** Over a database {@link SqlLocations#open} opened and brought up to date. */
    private SqlDatasetStore(Database db) {
        this.db = db;
    }

    /** Opens the dataset tables at a store location: {@code sqlite:PATH} or {@code jdbc:postgresql:…}. */
    public static Optional<DatasetStore> open(String location) {
        return SqlLocations.open(location, true).map(SqlDatasetStore::new);
    }

    @Override
    public Optional<Dataset> dataset(String name) {
        return first(query(
                "SELECT " + DATASET_COLUMNS + " FROM data_datasets WHERE name = ?", SqlDatasetStore::datasetRow, name));
    }

    @Override
    public List<Dataset> datasets() {
        return query("SELECT " + DATASET_COLUMNS + " FROM data_datasets ORDER BY name", SqlDatasetStore::datasetRow);
    }

    @Override
    public List<DatasetVersion> versions(String dataset) {
        return query(
                "SELECT " + VERSION_COLUMNS + " FROM data_versions WHERE dataset = ? ORDER BY number",
                SqlDatasetStore::versionRow,
                dataset);
    }

    @Override
    public Optional<DatasetVersion> version(String dataset, int number) {
        return first(query(
                "SELECT " + VERSION_COLUMNS + " FROM data_versions WHERE dataset = ? AND number = ?",
                SqlDatasetStore::versionRow,
                dataset,
                number));
    }

    @Override
    public Optional<DatasetVersion> latest(String dataset) {
        return db.read("read dataset metadata", c -> latest(c, dataset));
    }

    private static Optional<DatasetVersion> latest(Connection c, String dataset) throws SQLException {
        return first(Jdbc.query(
                c,
                "SELECT " + VERSION_COLUMNS + " FROM data_versions WHERE dataset = ?" + " ORDER BY number DESC LIMIT 1",
                SqlDatasetStore::versionRow,
                dataset));
    }

    @Override
    public List<DatasetVersion> versionsByHashPrefix(String dataset, String hexPrefix) {
        return query(
                "SELECT " + VERSION_COLUMNS + " FROM data_versions WHERE dataset = ? AND substr(hash, 8, ?) = ?"
                        + " ORDER BY number",
                SqlDatasetStore::versionRow,
                dataset,
                hexPrefix.length(),
                hexPrefix);
    }

    @Override
    public List<DatasetVersion> allVersions() {
        return query(
                "SELECT " + VERSION_COLUMNS + " FROM data_versions ORDER BY dataset, number",
                SqlDatasetStore::versionRow);
    }

    @Override
    public Committed commitVersion(NewVersion v) {
        return db.write("commit a version of dataset " + v.dataset().name(), c -> {
            Dataset d = v.dataset();
            upsertDataset(c, d.name(), d.owner(), d.description(), d.visibility(), d.createdAt());
            Jdbc.query(
                    c,
                    "SELECT name FROM data_datasets WHERE name = ?"
                            + db.dialect().lockRow(),
                    rs -> rs.getString(1),
                    d.name());
            StoredManifest m = v.manifest();
            Optional<DatasetVersion> latest = latest(c, d.name());
            // objects may be new even when the content is not (e.g. repaired data): index them first
            insertObjects(c, v.objects());
            if (latest.isPresent() && latest.get().hash().equals(m.hash())) {
                return new Committed(latest.get(), false);
            }
            update(
                    c,
                    "INSERT INTO data_manifests (hash, base, body) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
                    m.hash(),
                    m.base(),
                    m.body());
            int number = latest.map(DatasetVersion::number).orElse(0) + 1;
            DatasetVersion created = new DatasetVersion(
                    d.name(),
                    number,
                    m.hash(),
                    v.message(),
                    v.author(),
                    v.createdAt(),
                    v.fileCount(),
                    v.totalBytes(),
                    v.parent());
            update(
                    c,
                    "INSERT INTO data_versions (" + VERSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    created.dataset(),
                    created.number(),
                    created.hash(),
                    created.message(),
                    created.author(),
                    created.createdAt(),
                    created.fileCount(),
                    created.totalBytes(),
                    created.parent());
            return new Committed(created, true);
        });
    }

    @Override
    public Dataset saveDataset(String name, String owner, String description, Visibility visibility, long now) {
        return db.write("save dataset " + name, c -> {
            upsertDataset(c, name, owner, description, visibility, now);
            return first(Jdbc.query(
                            c,
                            "SELECT " + DATASET_COLUMNS + " FROM data_datasets WHERE name = ?",
                            SqlDatasetStore::datasetRow,
                            name))
                    .orElseThrow();
        });
    }

    private static void upsertDataset(
            Connection c, String name, String owner, String description, Visibility visibility, long now)
            throws SQLException {
        update(
                c,
                "INSERT INTO data_datasets (" + DATASET_COLUMNS + ") VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (name) DO NOTHING",
                name,
                owner == null ? "" : owner,
                description == null ? "" : description,
                (visibility == null ? Visibility.PRIVATE : visibility).id(),
                now);
        if (description != null && !description.isEmpty()) {
            update(c, "UPDATE data_datasets SET description = ? WHERE name = ?", description, name);
        }
        if (visibility != null) {
            update(c, "UPDATE data_datasets SET visibility = ? WHERE name = ?", visibility.id(), name);
        }
    }

    private static void insertObjects(Connection c, Collection<ObjectLocation> objects) throws SQLException {
        if (objects.isEmpty()) {
            return;
        }
        // In key order: the B-tree is appended to rather than split at random places, and
        // concurrent PostgreSQL commits lock index entries in one order (no deadlock).
        List<ObjectLocation> sorted = new ArrayList<>(objects);
        sorted.sort(Comparator.comparing(ObjectLocation::hash));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO data_objects (" + OBJECT_COLUMNS + ")"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING")) {
            for (ObjectLocation o : sorted) {
                Jdbc.bind(ps, o.hash(), o.pack(), o.offset(), o.length());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public Map<String, Integer> tags(String dataset) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Object[] row : query(
                "SELECT tag, number FROM data_tags WHERE dataset = ? ORDER BY tag",
                rs -> new Object[] {rs.getString(1), rs.getInt(2)},
                dataset)) {
            out.put((String) row[0], (Integer) row[1]);
        }
        return out;
    }

    @Override
    public void tag(String dataset, String tag, int number) {
        db.write(
                "tag " + dataset + ":v" + number,
                c -> update(
                        c,
                        "INSERT INTO data_tags (dataset, tag, number)"
                                + " VALUES (?, ?, ?) ON CONFLICT (dataset, tag) DO UPDATE SET number = excluded.number",
                        dataset,
                        tag,
                        number));
    }

    @Override
    public boolean untag(String dataset, String tag) {
        return db.write(
                        "untag " + dataset + ":" + tag,
                        c -> update(c, "DELETE FROM data_tags WHERE dataset = ? AND tag = ?", dataset, tag))
                > 0;
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
        return first(query(
                "SELECT hash, base, body FROM data_manifests WHERE hash = ?",
                rs -> new StoredManifest(rs.getString(1), rs.getString(2), rs.getBytes(3)),
                hash));
    }

    @Override
    public Set<String> manifestHashes() {
        return new HashSet<>(query("SELECT hash FROM data_manifests", rs -> rs.getString(1)));
    }

    @Override
    public void deleteManifests(Collection<String> hashes) {
        deleteWhereIn("delete manifests", "DELETE FROM data_manifests WHERE hash IN ", hashes);
    }

    @Override
    public Map<String, ObjectLocation> locate(Collection<String> objectHashes) {
        Map<String, ObjectLocation> out = new HashMap<>(objectHashes.size() * 2);
        db.read("locate dataset objects", c -> {
            if (objectHashes.size() >= SCAN_FROM && scanCheaper(c, objectHashes.size())) {
                Set<String> wanted = objectHashes instanceof Set<String> set ? set : new HashSet<>(objectHashes);
                try (PreparedStatement ps = c.prepareStatement("SELECT " + OBJECT_COLUMNS + " FROM data_objects");
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String hash = rs.getString(1);
                        if (wanted.contains(hash)) {
                            out.put(hash, new ObjectLocation(hash, rs.getString(2), rs.getLong(3), rs.getLong(4)));
                        }
                    }
                }
                return null;
            }
            for (List<String> part : parts(objectHashes)) {
                for (ObjectLocation o : Jdbc.query(
                        c,
                        "SELECT " + OBJECT_COLUMNS + " FROM data_objects WHERE hash IN " + placeholders(part),
                        SqlDatasetStore::objectRow,
                        part.toArray())) {
                    out.put(o.hash(), o);
                }
            }
            return null;
        });
        return out;
    }

    /** Whether {@link #locate} of {@code wanted} objects reads the whole table; for tests. */
    boolean scansFor(int wanted) {
        return wanted >= SCAN_FROM && db.read("count dataset objects", c -> scanCheaper(c, wanted));
    }

    /**
     * Whether reading every object's row costs less than looking {@code wanted} up by hash: a
     * version's checkout into a new folder wants most of a store's objects, and one pass over the
     * table reads them several times faster than lookups in batches of {@link Jdbc#IN_BATCH}.
     */
    private static boolean scanCheaper(Connection c, int wanted) throws SQLException {
        // Counts at most one row past the bound, so a large store costs no more than the lookups would.
        long bound = SCAN_RATIO * (long) wanted;
        try (PreparedStatement ps =
                c.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM data_objects LIMIT ?) AS bounded")) {
            ps.setLong(1, bound + 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) <= bound;
            }
        }
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
        db.read("list the objects of packs", c -> {
            for (List<String> part : parts(new TreeSet<>(packs))) {
                out.addAll(Jdbc.query(
                        c,
                        "SELECT " + OBJECT_COLUMNS + " FROM data_objects WHERE pack IN " + placeholders(part)
                                + " ORDER BY pack, \"offset\"",
                        SqlDatasetStore::objectRow,
                        part.toArray()));
            }
            return null;
        });
        return out;
    }

    @Override
    public void deletePacks(Collection<String> packs) {
        deleteWhereIn("forget packs", "DELETE FROM data_objects WHERE pack IN ", packs);
    }

    /** One transaction, one statement per {@link Jdbc#IN_BATCH} keys. */
    private void deleteWhereIn(String action, String sql, Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        db.write(action, c -> {
            for (List<String> part : parts(new TreeSet<>(keys))) {
                update(c, sql + placeholders(part), part.toArray());
            }
            return null;
        });
    }

    @Override
    public Set<String> inScope(String dataset, Collection<String> objectHashes) {
        Set<String> out = new HashSet<>();
        db.read("check dataset objects", c -> {
            for (List<String> part : parts(objectHashes)) {
                out.addAll(Jdbc.query(
                        c,
                        "SELECT hash FROM data_dataset_objects WHERE dataset = ? AND hash IN " + placeholders(part),
                        rs -> rs.getString(1),
                        Jdbc.args(dataset, part)));
            }
            return null;
        });
        return out;
    }

    @Override
    public void addObjects(String dataset, Collection<ObjectLocation> objects) {
        db.write("index objects of dataset " + dataset, c -> {
            insertObjects(c, objects);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO data_dataset_objects (dataset, hash)" + " VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                for (String h :
                        new TreeSet<>(objects.stream().map(ObjectLocation::hash).toList())) {
                    Jdbc.bind(ps, dataset, h);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void recordUse(RunInput input) {
        db.write(
                "record a dataset input of run " + input.runId(),
                c -> update(
                        c,
                        "INSERT INTO data_run_inputs (" + INPUT_COLUMNS
                                + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        input.runId(),
                        input.dataset(),
                        input.number(),
                        input.hash(),
                        input.usedAt()));
    }

    @Override
    public List<RunInput> inputsOf(String runId) {
        return query(
                "SELECT " + INPUT_COLUMNS + " FROM data_run_inputs WHERE run_id = ? ORDER BY used_at, dataset, number",
                SqlDatasetStore::inputRow,
                runId);
    }

    @Override
    public List<RunInput> usesOf(String dataset, int number) {
        if (number <= 0) {
            return query(
                    "SELECT " + INPUT_COLUMNS + " FROM data_run_inputs WHERE dataset = ?"
                            + " ORDER BY used_at DESC, run_id DESC",
                    SqlDatasetStore::inputRow,
                    dataset);
        }
        return query(
                "SELECT " + INPUT_COLUMNS + " FROM data_run_inputs WHERE dataset = ? AND number = ?"
                        + " ORDER BY used_at DESC, run_id DESC",
                SqlDatasetStore::inputRow,
                dataset,
                number);
    }

    @Override
    public void close() {
        db.close();
    }

    private <T> List<T> query(String sql, Jdbc.Row<T> row, Object... args) {
        return db.read("read dataset metadata", c -> Jdbc.query(c, sql, row, args));
    }

    private static Dataset datasetRow(ResultSet rs) throws SQLException {
        return new Dataset(
                rs.getString(1), rs.getString(2), rs.getString(3), Visibility.parse(rs.getString(4)), rs.getLong(5));
    }

    private static DatasetVersion versionRow(ResultSet rs) throws SQLException {
        return new DatasetVersion(
                rs.getString(1),
                rs.getInt(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getLong(6),
                rs.getLong(7),
                rs.getLong(8),
                rs.getInt(9));
    }

    private static ObjectLocation objectRow(ResultSet rs) throws SQLException {
        return new ObjectLocation(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
    }

    private static RunInput inputRow(ResultSet rs) throws SQLException {
        return new RunInput(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getLong(5));
    }
}
