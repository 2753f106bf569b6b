package dev.keel.store.sql;

import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteDatasetStoreContractTest extends DatasetStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected DatasetStore newStore() {
        return DatasetStores.open("sqlite:" + dir.resolve("keel.db"));
    }
}
