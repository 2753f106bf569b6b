package dev.keel.server.liveness;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.internal.remote.RemoteStore;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A network outage is not a crash: silent runs read unreachable, heal, and crash only after the grace. */
class HeartbeatLivenessTest {
    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aSilentRunIsUnreachableThenHealsWhenItsBacklogArrivesAndCrashesAfterTheGrace() {
        KeelHome home = new KeelHome(dir).ensureExists();
        try (Store store = Stores.open(home.storeLocation());
                KeelServer server = KeelServer.builder()
                        .store(store)
                        .blobs(new LocalBlobStore(home.blobs()))
                        .liveness(new HeartbeatLiveness(60_000, 3_600_000, now::get))
                        .settings(ServerSettings.local(0))
                        .build()
                        .start();
                RemoteStore remote = new RemoteStore(server.url(), null)) {
            remote.createRun(
                    new RunInfo(
                            "abcd1234",
                            "p",
                            "n",
                            "",
                            "",
                            List.of(),
                            "",
                            RunState.RUNNING,
                            now.get(),
                            now.get(),
                            0,
                            0,
                            "",
                            "laptop",
                            1,
                            Map.of(),
                            Map.of()),
                    Map.of());
            assertEquals(RunState.RUNNING, remote.run("abcd1234").orElseThrow().state());

            now.addAndGet(61_000); // heartbeats stop arriving: the network, or the process?
            assertEquals(
                    RunState.UNREACHABLE, remote.run("abcd1234").orElseThrow().state());
            assertEquals(
                    RunState.UNREACHABLE,
                    remote.searchRuns(RunQuery.project("p")).get(0).state());

            WriteBatch backlog = new WriteBatch(); // the sender catches up: its heartbeats are recent again
            backlog.logOffset = 10;
            backlog.heartbeatAt = now.get() - 1_000;
            remote.apply("abcd1234", backlog);
            assertEquals(RunState.RUNNING, remote.run("abcd1234").orElseThrow().state());

            now.addAndGet(3_600_001);
            assertEquals(RunState.CRASHED, remote.run("abcd1234").orElseThrow().state());

            WriteBatch end = new WriteBatch(); // a very late backlog that ends the run still heals it
            end.logOffset = 20;
            end.heartbeatAt = now.get();
            end.state = RunState.FINISHED;
            end.endedAt = now.get();
            remote.apply("abcd1234", end);
            assertEquals(RunState.FINISHED, remote.run("abcd1234").orElseThrow().state());
        }
    }

    @Test
    void gracesMustBeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> new HeartbeatLiveness(10, 5, () -> 0));
    }
}
