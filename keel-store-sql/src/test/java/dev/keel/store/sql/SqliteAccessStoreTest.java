package dev.keel.store.sql;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteAccessStoreTest extends AccessStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected String newLocation() {
        return "sqlite:" + dir.resolve("keel.db");
    }
}
