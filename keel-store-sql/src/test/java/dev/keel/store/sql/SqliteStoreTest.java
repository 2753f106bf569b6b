package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What only the SQLite store does: its file, its folder, its schema version and its failures. */
class SqliteStoreTest {
    @TempDir
    Path dir;

    private static RunInfo run(String id) {
        return new RunInfo(
                id, "p", "n", "", "", List.of(), "", RunState.RUNNING, 1, 1, 0, 0, "", "", 0, Map.of(), Map.of());
    }

    private static int schemaVersion(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void storesOpensSqliteLocationsAndCreatesTheFolders() {
        Path db = dir.resolve("a/b/.keel/keel.db");
        try (Store store = Stores.open("sqlite:" + db)) {
            assertInstanceOf(SqliteStore.class, store);
            store.createRun(run("r1"), Map.of());
        }
        assertTrue(Files.isRegularFile(db));
        assertTrue(new SqliteStoreProvider().open("jdbc:postgresql://x/y").isEmpty());
    }

    @Test
    void reopeningKeepsTheDataAndTheSchemaVersion() throws Exception {
        Path db = dir.resolve("keel.db");
        try (Store store = new SqliteStore(db)) {
            store.createRun(run("r1"), Map.of("k", "v"));
        }
        int latest = Migrations.scripts(new SqliteDialect(db)).size();
        assertEquals(latest, Migrations.latest(new SqliteDialect(db)), "the count without reading the scripts");
        assertEquals(latest, schemaVersion(db));
        try (Store store = new SqliteStore(db)) {
            assertEquals("r1", store.run("r1").orElseThrow().id());
            assertEquals(Map.of("k", "v"), store.provenance("r1"));
        }
        assertEquals(latest, schemaVersion(db));
    }

    @Test
    void upgradingADatabaseWithRunFilesLetsEachProjectHoldWhatItsRunsList() throws Exception {
        Path db = dir.resolve("keel.db");
        String hash = "sha256:" + "a".repeat(64);
        try (Store store = new SqliteStore(db)) {
            store.createRun(run("r1"), Map.of());
            WriteBatch b = new WriteBatch();
            b.addFile(new RunFile("model.bin", hash, 3, "file", 1));
            store.apply("r1", b);
        }
        // as a database written before the script that made the holders table (and any after it)
        List<String> scripts = Migrations.scripts(new SqliteDialect(db));
        int version = 1;
        while (!scripts.get(version - 1).contains("CREATE TABLE IF NOT EXISTS blob_holders")) {
            version++;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE blob_holders");
            s.execute("DELETE FROM schema_version WHERE version >= " + version);
        }
        try (Store store = new SqliteStore(db)) {
            assertEquals(List.of("p"), store.blobHolders(hash));
        }
        assertEquals(Migrations.scripts(new SqliteDialect(db)).size(), schemaVersion(db));
    }

    @Test
    void aDatabaseFromANewerKeelIsRefusedUntouched() throws Exception {
        Path db = dir.resolve("keel.db");
        new SqliteStore(db).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)");
        }
        KeelException e = assertThrows(KeelException.class, () -> new SqliteStore(db));
        assertEquals(
                db + " has schema version 99, newer than this Keel knows ("
                        + Migrations.scripts(new SqliteDialect(db)).size() + "): upgrade Keel to open it",
                e.getMessage());
        assertEquals(99, schemaVersion(db));
    }

    @Test
    void aFolderThatCannotBeCreatedIsNamedWithTheFix() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        KeelException e = assertThrows(KeelException.class, () -> new SqliteStore(file.resolve(".keel/keel.db")));
        assertEquals(KeelException.ErrorCode.STORAGE_FAILURE, e.code());
        assertTrue(
                e.getMessage()
                        .startsWith("cannot create the folder " + file.resolve(".keel") + " for the Keel store ("),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("make its parent writable or set KEEL_HOME to a writable folder"));
    }

    /** Makes a folder unwritable even for root, where chmod is not enough: chattr +i, when available. */
    private static boolean makeImmutable(Path folder, boolean on) throws Exception {
        try {
            Process p = new ProcessBuilder("chattr", on ? "+i" : "-i", folder.toString())
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aReadOnlyFolderFailsWithTheFolderAndTheFix() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("ro"));
        Path db = folder.resolve("keel.db");
        new SqliteStore(db).close();
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("r--r--r--"));
        boolean immutable = false;
        try {
            if (Files.isWritable(db)) { // root ignores permissions
                immutable = makeImmutable(folder, true) && makeImmutable(db, true);
                assumeTrue(immutable, "running as root without chattr: cannot make a folder read-only");
            }
            KeelException e = assertThrows(KeelException.class, () -> {
                try (Store s = new SqliteStore(db)) {
                    s.createRun(run("r1"), Map.of());
                }
            });
            assertEquals(KeelException.ErrorCode.STORAGE_FAILURE, e.code());
            assertTrue(
                    e.getMessage()
                            .contains(db + " or its folder is read-only or cannot be opened: make " + folder
                                    + " writable (chmod u+w) or set KEEL_HOME to a writable folder"),
                    e.getMessage());
        } finally {
            if (immutable) {
                makeImmutable(db, false);
                makeImmutable(folder, false);
            }
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    @Test
    void aFullDiskFailsTheBatchWithTheFixAndKeepsWhatWasStored() {
        Path db = dir.resolve("keel.db");
        try (Store store = new SqliteStore(db, 84)) {
            store.createRun(run("r1"), Map.of());
            WriteBatch small = new WriteBatch();
            small.metrics.add("loss", 0, 0, 1.0);
            store.apply("r1", small);

            WriteBatch big = new WriteBatch();
            for (int i = 1; i <= 100_000; i++) {
                big.metrics.add("loss", i, i, i);
            }
            big.summary.put("loss", 2.0);
            KeelException e = assertThrows(KeelException.class, () -> store.apply("r1", big));
            assertEquals(KeelException.ErrorCode.STORAGE_FAILURE, e.code());
            assertTrue(
                    e.getMessage()
                            .startsWith("cannot store run r1's data: the disk holding " + db + " is full:"
                                    + " free some space there or set KEEL_HOME to a folder on another disk"),
                    e.getMessage());

            assertEquals(1, store.history("r1", "loss").size());
            assertEquals(Map.of(), store.run("r1").orElseThrow().summary());
            store.apply("r1", small); // still usable once there is room for a batch
            assertEquals(2, store.history("r1", "loss").size());
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsReportedAsDamaged() throws Exception {
        Path db = Files.writeString(dir.resolve("keel.db"), "this is not sqlite at all, just some text ".repeat(200));
        KeelException e = assertThrows(KeelException.class, () -> new SqliteStore(db));
        assertEquals(KeelException.ErrorCode.CORRUPT_DATA, e.code());
        assertTrue(
                e.getMessage().contains(db + " is damaged or is not a Keel database: move it aside"), e.getMessage());
    }

    private static long blocks(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM metric_blocks")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void smallBatchesAreMergedIntoBlocksOfAtMostBlockPoints() throws Exception {
        Path db = dir.resolve("keel.db");
        int batches = 1500;
        try (Store store = new SqliteStore(db)) {
            store.createRun(run("r1"), Map.of());
            for (int i = 0; i < batches; i++) {
                WriteBatch b = new WriteBatch();
                for (int k = 0; k < 3; k++) {
                    b.metrics.add("loss", i * 3L + k, i, i * 3 + k);
                }
                store.apply("r1", b);
            }
            MetricSeries loss = store.history("r1", "loss");
            assertEquals(batches * 3, loss.size());
            for (int i = 0; i < loss.size(); i++) {
                assertEquals(i, loss.steps()[i]);
                assertEquals(i, loss.values()[i]);
                assertEquals(i / 3, loss.timestamps()[i]);
            }
        }
        // 4500 points: one full block of 4095 (1365 batches of 3) and one of 405
        assertEquals((batches * 3 + BatchWriter.BLOCK_POINTS - 1) / BatchWriter.BLOCK_POINTS, blocks(db));
    }
}
