package dev.keel.cli;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.provenance.Reproductions;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code keel sync} and the run commands against a real server. */
class RemoteCliTest {
    @TempDir
    Path dir;

    @Test
    void syncUploadsLocalRunsOnceAndTheRunCommandsReadThemFromTheServer() {
        Path local = dir.resolve("local");
        String id;
        try (Run run = Keel.init(RunOptions.builder()
                .project("cli-remote")
                .name("quiet-heron-1")
                .home(local)
                .config(Map.of("lr", 0.5))
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            for (int i = 0; i < 5; i++) {
                run.log(Map.of("x", i * 2.0));
            }
            id = run.id();
        }
        try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
            Cli cli = new Cli(local);
            Cli.Result first = cli.run("sync", "--url", server.url());
            assertEquals(0, first.code(), first.err());
            assertTrue(first.out().startsWith(id + "  uploaded "), first.out());
            Cli.Result again = cli.run("sync", id, "--url", server.url());
            assertEquals(0, again.code(), again.err());
            assertEquals(id + "  up to date\n", again.out());

            System.setProperty("keel.url", server.url());
            try {
                // an empty local folder: what is listed comes from the server
                Cli remote = new Cli(dir.resolve("elsewhere"));
                Cli.Result runs = remote.run("runs", "--format", "csv");
                assertEquals(0, runs.code(), runs.err());
                assertTrue(runs.out().contains(id + ",quiet-heron-1,finished"), runs.out());
                Cli.Result show = remote.run("run", "show", id);
                assertEquals(0, show.code(), show.err());
                assertTrue(show.out().contains("State:    finished"), show.out());
                Cli.Result history = remote.run("run", "history", id, "x", "--format", "csv");
                assertEquals(0, history.code(), history.err());
                assertTrue(history.out().contains("4,8"), history.out());
                Cli.Result filtered = remote.run("runs", "--filter", "state = unreachable", "--format", "csv");
                assertEquals(0, filtered.code(), filtered.err());
                assertTrue(!filtered.out().contains(id), filtered.out());
            } finally {
                System.clearProperty("keel.url");
            }
        }
    }

    @Test
    void syncCarriesAReproductionsVerdictToTheServersReproduceBox() {
        Path local = dir.resolve("local");
        String original = logged(local, "original");
        String copy = logged(local, "copy");
        // as keel reproduce records its verdict once the copy's program has ended
        try (Store store = Stores.open(new KeelHome(local).storeLocation())) {
            WriteBatch w = new WriteBatch();
            w.provenance.put(Reproductions.REPRODUCES, original);
            w.provenance.put(
                    Reproductions.RECORD,
                    Map.of(
                            "of",
                            original,
                            "verdict",
                            "identical",
                            "points",
                            5,
                            "exit_code",
                            0,
                            "environment",
                            List.of()));
            w.tags = List.of(Reproductions.tag(original));
            store.apply(copy, w);
        }
        try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
            Cli.Result sync = new Cli(local).run("sync", "--url", server.url());
            assertEquals(0, sync.code(), sync.err());
            Map<String, Object> box =
                    server.get("/api/v1/runs/" + original + "/reproduce").json();
            List<?> copies = (List<?>) box.get("reproductions");
            assertEquals(1, copies.size(), box.toString());
            Map<?, ?> only = (Map<?, ?>) copies.get(0);
            assertEquals(copy, only.get("run"));
            assertEquals("identical", ((Map<?, ?>) only.get("record")).get("verdict"));
            Map<?, ?> of = (Map<?, ?>)
                    server.get("/api/v1/runs/" + copy + "/reproduce").json().get("reproduces");
            assertEquals(original, of.get("run"));
        }
    }

    private static String logged(Path home, String name) {
        try (Run run = Keel.init(RunOptions.builder()
                .project("cli-repro")
                .name(name)
                .home(home)
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            run.log(Map.of("x", 1.0), 0);
            return run.id();
        }
    }

    @Test
    void syncWithoutAServerSaysWhatToSet() {
        Cli.Result r = new Cli(dir).run("sync");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no server to sync to: set KEEL_URL=http://HOST:PORT or pass --url"), r.err());
    }
}
