package dev.keel.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.keel.core.KeelException;
import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * The team store: a PostgreSQL database that many Keel processes (servers, SDKs, CLIs) share.
 * Every write is one READ COMMITTED transaction on a pooled connection that first locks the
 * run's row, so concurrent writers of one run take turns and a replayed batch is applied once;
 * deadlocks and serialization failures are retried from the start.
 *
 * <pre>
 * try (Store store = new PostgresStore("jdbc:postgresql://db.example:5432/keel?user=keel")) { … }
 * </pre>
 * Usually opened through {@link dev.keel.core.store.Stores#open} with a {@code jdbc:postgresql:}
 * URL. The user and password come from the URL ({@code user:password@host} or
 * {@code ?user=…&password=…}), else from {@code KEEL_DB_USER} / {@code KEEL_DB_PASSWORD};
 * {@code KEEL_DB_POOL_SIZE} sets the most connections one store holds (default 8). The schema
 * is created or upgraded on open, in the database's current schema (the URL's
 * {@code currentSchema} parameter picks another).
 */
public final class PostgresStore extends SqlStore {
    private static final int DEFAULT_POOL_SIZE = 8;

    /** Opens the database at {@code url}, creating or upgrading Keel's tables. */
    public PostgresStore(String url) {
        this(url, System.getenv());
    }

    PostgresStore(String url, Map<String, String> env) {
        super(open(PgUrl.parse(url, env), env));
    }

    /** A pooled database for {@code url}; the dataset store over the same database uses it too. */
    static Database open(PgUrl url, Map<String, String> env) {
        String location = url.display();
        probe(url, location);
        HikariConfig config = new HikariConfig();
        config.setPoolName("keel-postgresql");
        config.setDriverClassName(Driver.class.getName());
        config.setJdbcUrl(url.jdbcUrl());
        if (url.user() != null) {
            config.setUsername(url.user());
        }
        if (url.password() != null) {
            config.setPassword(url.password());
        }
        config.setMaximumPoolSize(poolSize(env));
        config.setMinimumIdle(1);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        // the probe already reported a bad URL or password clearly; later outages surface per call
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "keel");
        HikariDataSource pool = new HikariDataSource(config);
        return new Database(
                new PostgresDialect(location),
                new Database.ConnectionFactory() {
                    @Override
                    public Connection open() throws SQLException {
                        return pool.getConnection();
                    }

                    @Override
                    public void close() {
                        pool.close();
                    }
                },
                location,
                true);
    }

    /** One direct connection first, so a wrong host, database or password fails now, with the driver's reason. */
    private static void probe(PgUrl url, String location) {
        Properties props = new Properties();
        if (url.user() != null) {
            props.setProperty("user", url.user());
        }
        if (url.password() != null) {
            props.setProperty("password", url.password());
        }
        props.setProperty("connectTimeout", "10");
        try (Connection c = new Driver().connect(url.jdbcUrl(), props)) {
            if (c == null) {
                throw KeelException.invalid("'" + location + "' is not a PostgreSQL URL the driver understands:"
                        + " write jdbc:postgresql://HOST[:PORT]/DATABASE");
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, "open the Keel store", location);
        }
    }

    private static int poolSize(Map<String, String> env) {
        String v = env.get("KEEL_DB_POOL_SIZE");
        if (v == null || v.isBlank()) {
            return DEFAULT_POOL_SIZE;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw KeelException.invalid(
                "KEEL_DB_POOL_SIZE='" + v + "' is not a pool size: give a whole number from 1" + " to 1000");
    }
}
