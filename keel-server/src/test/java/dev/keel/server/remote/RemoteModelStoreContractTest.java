package dev.keel.server.remote;

import dev.keel.core.KeelHome;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import dev.keel.store.sql.ModelStoreContractTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The model store contract over HTTP: a remote store (opened by its {@code http:} location, as
 * {@code keel model} with KEEL_URL opens it) talking to a real server whose store holds the runs
 * the contract's drafts name, each with files of both contents the drafts list.
 */
class RemoteModelStoreContractTest extends ModelStoreContractTest {
    @TempDir
    Path dir;

    private KeelServer server;

    @Override
    protected Store newStore() throws Exception {
        KeelHome home = new KeelHome(dir.resolve("server"));
        Files.createDirectories(home.root());
        try (Store local = Stores.open(home.storeLocation())) {
            for (int i = 0; i < 10; i++) {
                runWithFiles(local, "run0000" + i, "shop");
            }
            runWithFiles(local, OTHER_RUN, "other");
        }
        LocalBlobStore blobs = new LocalBlobStore(home.blobs());
        for (String hash : List.of(H1, H2)) {
            // stands for the bytes: registering checks that they are there, not what they are
            Files.createDirectories(blobs.path(hash).getParent());
            Files.write(blobs.path(hash), new byte[42]);
        }
        server = KeelServer.embedded(home, ServerSettings.local(0)).start();
        return Stores.open(server.url());
    }

    private static void runWithFiles(Store store, String id, String project) {
        store.createRun(
                new RunInfo(
                        id,
                        project,
                        "run-" + id,
                        "",
                        "ana",
                        List.of(),
                        "",
                        RunState.RUNNING,
                        1000,
                        1000,
                        0,
                        0,
                        "",
                        "host",
                        1,
                        Map.of(),
                        Map.of()),
                Map.of());
        WriteBatch b = new WriteBatch();
        b.addFile(new RunFile("model-1.ckpt", H1, 42, "artifact", 1000));
        b.addFile(new RunFile("model-2.ckpt", H2, 42, "artifact", 1000));
        b.state = RunState.FINISHED;
        store.apply(id, b);
    }

    @Override
    protected boolean keepsTheGivenUser() {
        return false;
    }

    @AfterEach
    void stopServer() {
        server.close();
    }
}
