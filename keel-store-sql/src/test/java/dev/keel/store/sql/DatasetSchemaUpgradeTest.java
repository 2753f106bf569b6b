package dev.keel.store.sql;

import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.core.data.ObjectLocation;
import dev.keel.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The dataset tables come from the schema migrations alone, and databases that Keel's earlier
 * dataset stores set up in Java (the scope table created on open, or every dataset table without
 * a {@code schema_version} row) upgrade to the current schema keeping their rows.
 */
class DatasetSchemaUpgradeTest {
    /** What the dataset stores used to create on open, beside migration 2's tables. */
    private static final String OLD_SQLITE_SCOPE = "CREATE TABLE IF NOT EXISTS data_dataset_objects ("
            + " dataset TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (dataset, hash)) WITHOUT ROWID";

    private static final String OLD_PG_SCOPE = "CREATE TABLE IF NOT EXISTS data_dataset_objects ("
            + " dataset TEXT COLLATE \"C\" NOT NULL, hash TEXT COLLATE \"C\" NOT NULL, PRIMARY KEY (dataset, hash))";

    @TempDir
    Path dir;

    @Test
    void aNewDatasetStoreIsAtTheLatestSchemaVersion() throws SQLException {
        Path file = dir.resolve("keel.db");
        DatasetStores.open("sqlite:" + file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(Migrations.scripts(new SqliteDialect(file)).size(), Migrations.current(c));
        }
    }

    @Test
    void sqliteFileMadeByTheOldDatasetStoreAloneUpgradesAndKeepsItsRows() throws SQLException {
        Path file = dir.resolve("keel.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            // the old SqliteDatasetStore ran V2.sql and the scope table itself, with no schema_version
            for (String sql : Migrations.statements(
                    Migrations.scripts(new SqliteDialect(file)).get(1))) {
                s.execute(sql);
            }
            s.execute(OLD_SQLITE_SCOPE);
            insertRows(s);
        }
        assertUpgraded("sqlite:" + file);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(Migrations.scripts(new SqliteDialect(file)).size(), Migrations.current(c));
        }
        // the run tables came with the upgrade: the run store opens the same file
        new SqliteStore(file).close();
    }

    @Test
    void sqliteFileAtSchemaSixWithTheScopeTableUpgradesAndKeepsItsRows() throws SQLException {
        Path file = dir.resolve("keel.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            applyFirstSix(s, new SqliteDialect(file));
            s.execute(OLD_SQLITE_SCOPE);
            insertRows(s);
        }
        assertUpgraded("sqlite:" + file);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(Migrations.scripts(new SqliteDialect(file)).size(), Migrations.current(c));
        }
    }

    @Test
    void postgresSchemaAtVersionSixWithTheScopeTableUpgradesAndKeepsItsRows() throws SQLException {
        String url = TestPostgres.freshStoreUrl();
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            applyFirstSix(s, new PostgresDialect("test"));
            s.execute(OLD_PG_SCOPE);
            insertRows(s);
        }
        assertUpgraded(url);
        try (Connection c = DriverManager.getConnection(url)) {
            assertEquals(Migrations.scripts(new PostgresDialect("test")).size(), Migrations.current(c));
        }
    }

    private static void applyFirstSix(Statement s, Dialect dialect) throws SQLException {
        s.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
        List<String> scripts = Migrations.scripts(dialect);
        for (int v = 1; v <= 6; v++) {
            for (String sql : Migrations.statements(scripts.get(v - 1))) {
                s.execute(sql);
            }
            s.execute("INSERT INTO schema_version (version, applied_at) VALUES (" + v + ", 0)");
        }
    }

    private static void insertRows(Statement s) throws SQLException {
        s.execute("INSERT INTO data_datasets (name, owner, description, visibility, created_at)"
                + " VALUES ('mnist', 'ada', '', 'private', 1)");
        s.execute("INSERT INTO data_objects (hash, pack, \"offset\", length) VALUES ('sha256:01', 'sha256:p', 0, 10)");
        s.execute("INSERT INTO data_dataset_objects (dataset, hash) VALUES ('mnist', 'sha256:01')");
    }

    private static void assertUpgraded(String location) {
        try (DatasetStore store = DatasetStores.open(location)) {
            assertEquals("ada", store.dataset("mnist").orElseThrow().owner());
            assertEquals(Set.of("sha256:01"), store.inScope("mnist", List.of("sha256:01", "sha256:02")));
            store.addObjects("mnist", List.of(new ObjectLocation("sha256:02", "sha256:p", 10, 5)));
            assertEquals(Set.of("sha256:01", "sha256:02"), store.inScope("mnist", List.of("sha256:01", "sha256:02")));
        }
    }
}
