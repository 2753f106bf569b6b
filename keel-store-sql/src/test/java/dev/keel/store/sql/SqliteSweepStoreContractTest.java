package dev.keel.store.sql;

import dev.keel.core.store.Store;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteSweepStoreContractTest extends SweepStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected Store newStore() {
        return new SqliteStore(dir.resolve("keel.db"));
    }

    @Override
    protected Store openAgain() {
        return new SqliteStore(dir.resolve("keel.db"));
    }
}
