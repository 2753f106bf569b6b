package dev.keel.store.sql;

import dev.keel.core.KeelException;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded store: one SQLite file ({@code .keel/keel.db}) that many processes may write at
 * once. WAL journal, so readers never wait for writers; each write is one {@code BEGIN IMMEDIATE}
 * transaction, retried with back-off while another process holds the write lock.
 *
 * <pre>
 * try (Store store = new SqliteStore(Path.of(".keel/keel.db"))) { … }
 * </pre>
 * Usually opened through {@link dev.keel.core.store.Stores#open} with {@code sqlite:<path>}.
 */
public final class SqliteStore extends SqlStore {

    /** Opens (creating it and its folder if needed) and upgrades the database at {@code file}. */
    public SqliteStore(Path file) {
        super(open(file, 0, false));
    }

    /** A store whose file may not grow past {@code maxPages} pages: a full disk, on demand, for tests. */
    SqliteStore(Path file, int maxPages) {
        super(open(file, maxPages, false));
    }

    /**
     * @param durable sync every commit (synchronous FULL), for tables no event log can rebuild;
     *                else NORMAL, which in WAL mode survives a process crash
     */
    static Database open(Path file, int maxPages, boolean durable) {
        Path db = file.toAbsolutePath().normalize();
        Path folder = db.getParent();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "cannot create the folder " + folder
                            + " for the Keel store (" + e + "): make its parent writable or set KEEL_HOME to a writable"
                            + " folder",
                    e);
        }
        // first: it starts loading the native library, which the settings' date formats
        // (made by the SQLiteConfig constructor) then load beside
        SqliteNative.prepare();
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(5_000);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(durable ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        config.setCacheSize(-32_000);
        if (maxPages > 0) {
            config.setMaxPageCount(maxPages);
        }
        String url = "jdbc:sqlite:" + db;
        return new Database(
                new SqliteDialect(db),
                // the driver itself, not DriverManager, which would load every JDBC driver in the jar first
                () -> JDBC.createConnection(url, config.toProperties()),
                db.toString(),
                false);
    }
}
