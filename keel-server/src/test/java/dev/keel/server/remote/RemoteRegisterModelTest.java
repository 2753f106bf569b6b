package dev.keel.server.remote;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.RunFile;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code run.registerModel} in a run recorded on a real server: the files go up as the run's
 * content-addressed artifacts and the version is the server's, registered from the run it holds.
 */
class RemoteRegisterModelTest {
    @TempDir
    Path dir;

    @Test
    void aServerRecordedRunRegistersItsModelInTheServersRegistry() throws Exception {
        Path weights = Files.write(dir.resolve("model.params"), new byte[] {1, 2, 3, 4});
        try (KeelServer server = KeelServer.embedded(new KeelHome(dir.resolve("server")), ServerSettings.local(0))
                        .start();
                Store remote = Stores.open(server.url())) {
            String id;
            try (Run run = Keel.init(RunOptions.builder()
                    .project("shop")
                    .home(dir.resolve("client"))
                    .server(server.url())
                    .systemMetrics(false)
                    .captureConsole(false)
                    .build())) {
                id = run.id();
                run.summary().put("test_accuracy", 0.89);
                assertEquals("apparel:v1", run.registerModel("apparel", weights));
                Files.write(weights, new byte[] {5, 6});
                assertEquals("apparel:v2", run.registerModel("apparel", weights));
            }
            ModelVersion v1 = remote.models().version("apparel", 1).orElseThrow();
            assertEquals(id, v1.lineage().runId());
            assertEquals(0.89, v1.lineage().metrics().get("test_accuracy"));
            assertEquals("shop", remote.models().model("apparel").orElseThrow().project());
            assertEquals(
                    List.of("model.params"),
                    v1.files().stream().map(f -> f.path()).toList());
            List<String> runHashes =
                    remote.files(id).stream().map(RunFile::hash).toList();
            ModelVersion v2 = remote.models().version("apparel", 2).orElseThrow();
            // the run's file models/apparel/model.params now holds the second registration's bytes
            assertTrue(
                    runHashes.contains(v2.files().get(0).hash()), "the version lists the run's own blob: " + runHashes);

            Path out = dir.resolve("pulled");
            new ModelRegistry(remote, null, null).pull("apparel:v1", out);
            assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(out.resolve("model.params")));
            new ModelRegistry(remote, null, null).pull("apparel", dir.resolve("latest"));
            assertArrayEquals(new byte[] {5, 6}, Files.readAllBytes(dir.resolve("latest/model.params")));
        }
    }
}
