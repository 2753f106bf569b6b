package dev.keel.home;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SyncTest {
    @TempDir
    Path dir;

    @Test
    void syncingIntoALocalStoreNamesTheFix() {
        KeelHome home = new KeelHome(dir);
        home.ensureExists();
        try (Store local = Stores.open(home.storeLocation())) {
            KeelException e = assertThrows(KeelException.class, () -> Sync.run(home, local, local, List.of()));
            assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
            assertEquals(
                    "sync uploads to a Keel server, and " + local.getClass().getSimpleName()
                            + " is a local store: open the target with its http(s):// URL",
                    e.getMessage());
        }
    }
}
