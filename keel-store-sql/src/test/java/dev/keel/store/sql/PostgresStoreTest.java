package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is particular to PostgreSQL: opening by URL, credentials, migrations and clear failures. */
class PostgresStoreTest {

    private static RunInfo run(String id, Map<String, Object> config) {
        return new RunInfo(
                id,
                "p",
                "n-" + id,
                "",
                "ada",
                List.of(),
                "",
                RunState.RUNNING,
                1000,
                1000,
                0,
                0,
                "",
                "h",
                1,
                config,
                Map.of());
    }

    private static int schemaVersion(String url) throws Exception {
        PgUrl u = PgUrl.parse(url, Map.of());
        try (Connection c = DriverManager.getConnection(u.jdbcUrl() + "&user=" + u.user());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void storesOpensAPostgresUrlAndTheSqliteProviderLeavesItAlone() {
        String url = TestPostgres.freshStoreUrl();
        try (Store store = Stores.open(url)) {
            assertInstanceOf(PostgresStore.class, store);
            store.createRun(run("r1", Map.of()), Map.of());
        }
        assertTrue(new SqliteStoreProvider().open(url).isEmpty());
        assertTrue(new PostgresStoreProvider().open("sqlite:/tmp/x.db").isEmpty());
    }

    @Test
    void reopeningKeepsTheDataAndTheSchemaVersion() throws Exception {
        String url = TestPostgres.freshStoreUrl();
        try (Store store = new PostgresStore(url)) {
            store.createRun(run("r1", Map.of("lr", 0.1)), Map.of("k", "v"));
        }
        int latest = Migrations.scripts(new PostgresDialect(url)).size();
        assertEquals(
                Migrations.scripts(new SqliteDialect(Path.of("x"))).size(),
                latest,
                "the same schema versions as SQLite");
        assertEquals(latest, schemaVersion(url));
        try (Store store = new PostgresStore(url)) {
            assertEquals(0.1, store.run("r1").orElseThrow().config().get("lr"));
            assertEquals(Map.of("k", "v"), store.provenance("r1"));
        }
        assertEquals(latest, schemaVersion(url));
    }

    @Test
    void aDatabaseFromANewerKeelIsRefusedUntouched() throws Exception {
        String url = TestPostgres.freshStoreUrl();
        new PostgresStore(url).close();
        PgUrl u = PgUrl.parse(url, Map.of());
        try (Connection c = DriverManager.getConnection(u.jdbcUrl() + "&user=" + u.user());
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)");
        }
        KeelException e = assertThrows(KeelException.class, () -> new PostgresStore(url));
        assertEquals(
                u.display() + " has schema version 99, newer than this Keel knows ("
                        + Migrations.scripts(new PostgresDialect(url)).size() + "): upgrade Keel to open it",
                e.getMessage());
        assertEquals(99, schemaVersion(url));
    }

    @Test
    void anUnreachableServerIsNamedWithoutThePassword() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/keel?user=ada&password=s3cret";
        KeelException e = assertThrows(KeelException.class, () -> new PostgresStore(url));
        assertEquals(KeelException.ErrorCode.STORAGE_FAILURE, e.code());
        assertTrue(
                e.getMessage()
                        .startsWith("cannot open the Keel store: the PostgreSQL database"
                                + " jdbc:postgresql://ada@127.0.0.1:" + port + "/keel cannot be reached ("),
                e.getMessage());
        assertTrue(
                e.getMessage()
                        .endsWith("check that the server is running and reachable from here, and the"
                                + " host, port and database name in the URL"),
                e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
    }

    @Test
    void aWrongPasswordSaysWhereCredentialsGoAndTheRightOneFromTheEnvironmentWorks() {
        String role = "keel_pw_" + ProcessHandle.current().pid();
        TestPostgres.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'right-one'");
        TestPostgres.execute("CREATE SCHEMA " + role + " AUTHORIZATION " + role);
        String base = "jdbc:postgresql://127.0.0.1:" + TestPostgres.port() + "/postgres?currentSchema=" + role;

        KeelException e = assertThrows(
                KeelException.class, () -> new PostgresStore(base + "&user=" + role + "&password=wrong-one"));
        assertTrue(
                e.getMessage()
                        .startsWith("cannot open the Keel store: PostgreSQL at jdbc:postgresql://" + role
                                + "@127.0.0.1:" + TestPostgres.port() + "/postgres?currentSchema=" + role
                                + " refused the user name or password ("),
                e.getMessage());
        assertTrue(
                e.getMessage()
                        .endsWith("give them in the URL (?user=NAME&password=SECRET) or in the environment"
                                + " variables KEEL_DB_USER and KEEL_DB_PASSWORD"),
                e.getMessage());
        assertFalse(e.getMessage().contains("wrong-one"));

        try (Store store = new PostgresStore(base, Map.of("KEEL_DB_USER", role, "KEEL_DB_PASSWORD", "right-one"))) {
            store.createRun(run("r1", Map.of()), Map.of());
            assertEquals(1, store.countRuns(RunQuery.all()));
        }
    }

    @Test
    void aMissingDatabaseIsNamedWithHowToCreateIt() {
        String url = "jdbc:postgresql://127.0.0.1:" + TestPostgres.port() + "/no_such_db?user=postgres";
        KeelException e = assertThrows(KeelException.class, () -> new PostgresStore(url));
        assertTrue(
                e.getMessage()
                        .startsWith("cannot open the Keel store: the database named in jdbc:postgresql://"
                                + "postgres@127.0.0.1:" + TestPostgres.port() + "/no_such_db does not exist ("),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("create it (CREATE DATABASE, or createdb NAME) or fix the name in the URL"));
    }

    @Test
    void aBadPoolSizeIsRefusedWithTheRange() {
        String url = TestPostgres.freshStoreUrl();
        KeelException e =
                assertThrows(KeelException.class, () -> new PostgresStore(url, Map.of("KEEL_DB_POOL_SIZE", "lots")));
        assertEquals("KEEL_DB_POOL_SIZE='lots' is not a pool size: give a whole number from 1 to 1000", e.getMessage());
    }

    @Test
    void textPostgresCannotHoldIsRefusedAndNothingIsStored() {
        try (Store store = new PostgresStore(TestPostgres.freshStoreUrl())) {
            KeelException e = assertThrows(
                    KeelException.class, () -> store.createRun(run("r1", Map.of("bad", "a\u0000b")), Map.of()));
            assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
            assertTrue(
                    e.getMessage()
                            .startsWith("cannot create run r1: PostgreSQL cannot store text with a NUL"
                                    + " character (\\u0000) ("),
                    e.getMessage());
            assertEquals(0, store.countRuns(RunQuery.all()));
            assertEquals(1, store.nextRunOrdinal("p"), "the failed creation counted nothing");
        }
    }
}
