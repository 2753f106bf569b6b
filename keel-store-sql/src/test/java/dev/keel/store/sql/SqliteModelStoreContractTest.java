package dev.keel.store.sql;

import dev.keel.core.store.Store;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteModelStoreContractTest extends ModelStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected Store newStore() {
        return new SqliteStore(dir.resolve("keel.db"));
    }
}
