package dev.keel.cli;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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
    void syncWithoutAServerSaysWhatToSet() {
        Cli.Result r = new Cli(dir).run("sync");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no server to sync to: set KEEL_URL=http://HOST:PORT or pass --url"), r.err());
    }
}
