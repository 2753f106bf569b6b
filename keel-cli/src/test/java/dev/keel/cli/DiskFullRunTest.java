package dev.keel.cli;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole {@code .keel} folder (event log and database) on a disk that fills up under a live
 * run (a small tmpfs, mounted as root; skipped where that is not allowed). The run's
 * {@code close()} returns normally, so every reader shows it {@code finished}, with what it
 * could not store; once space is back, the store records the same.
 */
class DiskFullRunTest {
    private static final String LOST = "12345 metric points not stored";

    @TempDir
    Path dir;

    private static boolean sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /** Writes {@code file} until the disk refuses more. */
    private static void fill(Path file) throws IOException {
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("No space left on device"), e.toString());
        }
    }

    @Test
    void aRunThatClosedNormallyOnAFullDiskReadsFinishedWithItsProblem() throws Exception {
        Path home = Files.createDirectories(dir.resolve(".keel"));
        Assumptions.assumeTrue(
                sh("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", home.toString()),
                "mounting a tmpfs is not permitted here");
        try {
            Run run = Keel.init(RunOptions.builder()
                    .project("full")
                    .name("full-disk")
                    .home(home)
                    .systemMetrics(false)
                    .captureConsole(false)
                    .build());
            String id = run.id();
            for (int i = 0; i < 100; i++) {
                run.log(Map.of("loss", 1.0 / (i + 1)));
            }
            run.flush();
            Path filler = home.resolve("filler");
            fill(filler);
            for (int i = 0; i < 12_345; i++) {
                run.log(Map.of("loss", 0.5));
            }
            run.close();
            List<String> problems = run.problems();
            assertTrue(
                    problems.stream().anyMatch(p -> p.startsWith(LOST) && p.contains("No space left on device")),
                    problems.toString());

            Cli cli = new Cli(home);
            Cli.Result runs = cli.run("runs", "--format", "csv");
            assertEquals(0, runs.code(), runs.err());
            String row = runs.out()
                    .lines()
                    .filter(l -> l.startsWith(id))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(runs.out()));
            assertTrue(row.contains("finished") && !row.contains("crashed"), runs.out());
            assertTrue(row.contains(LOST), "the CSV carries the problem: " + runs.out());
            Cli.Result table = cli.run("runs");
            assertTrue(table.out().lines().anyMatch(l -> l.startsWith(id) && l.contains("finished!")), table.out());
            assertTrue(table.err().contains("a state ending in '!': the run recorded problems"), table.err());
            Cli.Result show = cli.run("run", "show", id);
            assertEquals(0, show.code(), show.err());
            assertTrue(show.out().contains("finished"), show.out());
            assertFalse(show.out().contains("crashed"), show.out());
            assertTrue(show.out().contains("Problems:") && show.out().contains(LOST), show.out());

            Files.delete(filler);
            assertEquals(0, cli.run("runs").code(), "a reader with space back records the end in the store");
            try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
                RunInfo stored = store.run(id).orElseThrow();
                assertEquals(RunState.FINISHED, stored.state());
                assertTrue(
                        stored.problems().stream().anyMatch(p -> p.startsWith(LOST)),
                        stored.problems().toString());
                assertEquals(100, store.history(id, "loss").size(), "what was stored before the disk filled is kept");
            }
            try (ServerFixture server = new ServerFixture(home)) {
                HttpResponse<String> json = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/runs/" + id))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertEquals(200, json.statusCode(), json.body());
                assertTrue(json.body().contains("\"state\":\"finished\""), json.body());
                assertTrue(json.body().contains("\"problems\":[") && json.body().contains(LOST), json.body());
            }
        } finally {
            sh("umount", "-l", home.toString());
        }
    }
}
