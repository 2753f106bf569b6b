package dev.keel.server.remote;

import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.model.Registration;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code Keel.models()} in a process with KEEL_URL set reads the server's registry, not a local folder. */
class RemoteModelsSdkTest {
    @TempDir
    Path dir;

    @Test
    void aPredictorPullsTheVersionTheServersAliasPointsAt() throws Exception {
        try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
            Store store = server.server.context().store();
            LocalBlobStore blobs = new LocalBlobStore(server.home.blobs());
            String hash = blobs.put(new ByteArrayInputStream("production weights".getBytes(StandardCharsets.UTF_8)));
            store.createRun(
                    new RunInfo(
                            "srv00001",
                            "shop",
                            "r",
                            "",
                            "ana",
                            List.of(),
                            "",
                            RunState.RUNNING,
                            1,
                            1,
                            0,
                            0,
                            "",
                            "h",
                            1,
                            Map.of(),
                            Map.of()),
                    Map.of());
            WriteBatch b = new WriteBatch();
            b.addFile(new RunFile("model.bin", hash, 18, "artifact", 1));
            b.state = RunState.FINISHED;
            store.apply("srv00001", b);
            ModelRegistry registry = new ModelRegistry(store, blobs, null);
            registry.register("apparel", Registration.of("srv00001").path("model.bin"));
            registry.alias("apparel@production", "v1", null, "ana");
            Path out = dir.resolve("weights");
            try (Child child = Child.start(
                    PullMain.class,
                    Map.of(
                            "KEEL_URL",
                            server.url(),
                            "KEEL_HOME",
                            dir.resolve("empty").toString()),
                    "apparel@production",
                    out.toString())) {
                assertEquals("PULLED apparel:v1", child.await("PULLED", 120_000), String.join("\n", child.all));
            }
            assertEquals("production weights", Files.readString(out.resolve("model.bin")));
        }
    }
}
