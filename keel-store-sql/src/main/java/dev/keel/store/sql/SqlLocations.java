package dev.keel.store.sql;

import dev.keel.core.KeelException;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The databases the side stores (datasets, access) open at a store location: {@code sqlite:PATH}
 * or a {@code jdbc:postgresql:} URL, the same locations the run store takes. Each opener gets
 * connections of its own beside the run store's; the schema is shared, and every opener brings
 * it up to date through {@link Migrations} (the first one to arrive applies each step).
 */
final class SqlLocations {
    static final String SQLITE = "sqlite:";

    private SqlLocations() {}

    /**
     * The database at {@code location} with its schema up to date, or empty when it names no SQL
     * store.
     *
     * @param durable on SQLite, sync every commit to disk (what has no event log to replay from
     *                must survive a power cut); PostgreSQL always does
     */
    static Optional<Database> open(String location, boolean durable) {
        if (location == null) {
            return Optional.empty();
        }
        if (location.startsWith(SQLITE)) {
            return Optional.of(migrated(SqliteStore.open(sqlitePath(location), 0, durable)));
        }
        if (location.startsWith(PgUrl.SCHEME)) {
            return Optional.of(migrated(PostgresStore.open(PgUrl.parse(location, System.getenv()), System.getenv())));
        }
        return Optional.empty();
    }

    private static Database migrated(Database db) {
        try {
            Migrations.migrate(db);
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    static Path sqlitePath(String location) {
        String path = location.substring(SQLITE.length());
        if (path.isBlank()) {
            throw KeelException.invalid("'" + location + "' names no file: write sqlite:/path/to/keel.db");
        }
        return Path.of(path);
    }
}
