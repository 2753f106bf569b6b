package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run stored as Keel did before config keys were checked at init (a 10 MB key), beside the
 * fixture runs on a real SQLite file: every command still works, names the run in a warning,
 * and {@code keel run rm} removes it.
 */
class UnreadableRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WARNING = "keel: warning: run bad00001: its stored config cannot be read (Name length"
            + " (10485760) exceeds the maximum allowed (50000, from `StreamReadConstraints.getMaxNameLength()`));"
            + " the run is shown without it. `keel run rm bad00001` removes the run.";

    @TempDir
    Path home;

    Cli cli;

    @BeforeEach
    void seed() throws Exception {
        Fixtures.seed(home);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("x".repeat(10 * 1024 * 1024), 1L);
        config.put("lr", 0.1);
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            store.createRun(
                    new RunInfo(
                            "bad00001",
                            "mnist",
                            "huge-key-3",
                            "",
                            "ada",
                            List.of(),
                            "",
                            RunState.FINISHED,
                            Fixtures.T0 + 5000,
                            Fixtures.T0 + 5000,
                            Fixtures.T0 + 6000,
                            1000,
                            "",
                            "host1",
                            42,
                            config,
                            Map.of("val_loss", 0.5)),
                    Map.of());
        }
        Files.createDirectories(new KeelHome(home).runDir("bad00001"));
        cli = new Cli(home);
    }

    /** The command's result and what the store printed to the process's stderr meanwhile. */
    private static Cli.Result withStderr(StringBuilder stderr, Supplier<Cli.Result> command) {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            return command.get();
        } finally {
            System.setErr(old);
            stderr.append(bytes.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void runsListsEveryRunOfEveryProjectAndWarnsAboutTheUnreadableOne() {
        StringBuilder err = new StringBuilder();
        Cli.Result r = withStderr(err, () -> cli.run("runs"));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("bad00001", "cccc3333", "aaab2222", "aaaa1111"), RunsCommandTest.ids(r));
        assertTrue(err.toString().contains(WARNING), err.toString());
        assertTrue(err.length() < 2000, "the key is not printed");

        Cli.Result mnist = withStderr(err, () -> cli.run("runs", "--project", "mnist", "--format", "csv"));
        assertEquals(0, mnist.code(), mnist.err());
        assertEquals(4, mnist.out().split("\n").length, mnist.out());
    }

    @Test
    void runShowShowsTheRunWithoutItsConfig() throws Exception {
        StringBuilder err = new StringBuilder();
        Cli.Result r = withStderr(err, () -> cli.run("run", "show", "bad00001"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Run:      bad00001  huge-key-3\n"), r.out());
        assertTrue(r.out().contains("val_loss"), r.out());
        assertTrue(err.toString().contains(WARNING), err.toString());

        Cli.Result json = withStderr(err, () -> cli.run("run", "show", "bad00001", "--format", "json"));
        assertEquals(0, json.code(), json.err());
        JsonNode run = JSON.readTree(json.out());
        assertEquals(0, run.get("config").size());
        assertEquals(0.5, run.get("summary").get("val_loss").asDouble());
    }

    @Test
    void runRmRemovesTheRunAndItsFolder() {
        StringBuilder err = new StringBuilder();
        Cli.Result r = withStderr(err, () -> cli.run("run", "rm", "bad00001", "--yes"));
        assertEquals(0, r.code(), r.err() + err);
        assertTrue(r.err().contains("deleted run bad00001"), r.err());
        assertFalse(Files.exists(new KeelHome(home).runDir("bad00001")));
        Cli.Result after = withStderr(err, () -> cli.run("runs"));
        assertEquals(List.of("cccc3333", "aaab2222", "aaaa1111"), RunsCommandTest.ids(after));
        assertEquals(1, cli.run("run", "show", "bad00001").code());
    }
}
