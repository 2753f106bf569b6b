package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    Cli cli;

    @BeforeEach
    void seed() {
        Fixtures.seed(home);
        cli = new Cli(home);
    }

    @Test
    void showFindsARunByUniquePrefixAndPrintsItsSections() {
        Cli.Result r = cli.run("run", "show", "aaaa");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Run:      aaaa1111  brave-otter-1\n"), r.out());
        assertTrue(r.out().contains("State:    finished"), r.out());
        assertTrue(r.out().contains("Runtime:  1m05s"), r.out());
        assertTrue(
                r.out().contains("\nConfig\n  lr              0.01\n  layers          64\n  optimizer.name  adam\n"),
                r.out());
        assertTrue(r.out().contains("  git.commit    deadbeef\n"), r.out());
        assertTrue(
                r.out()
                        .contains("  dependencies  com.fasterxml.jackson.core:jackson-core:2.20.1\n"
                                + "                info.picocli:picocli:4.7.7\n"),
                r.out());
        assertTrue(r.out().contains("  model.txt  12 B  file  sha256:abab"), r.out());
        assertTrue(r.out().contains("\nMetrics\n  loss\n"), r.out());
    }

    @Test
    void showAsJsonAddsProvenanceFilesAndMetrics() throws Exception {
        Cli.Result r = cli.run("run", "show", "cccc3333", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode run = JSON.readTree(r.out());
        assertEquals("crashed", run.get("state").asText());
        assertEquals("Infinity", run.get("summary").get("val_accuracy").asText());
        assertEquals("deadbeef", run.get("provenance").get("git").get("commit").asText());
        assertEquals(0, run.get("files").size());

        JsonNode first = JSON.readTree(
                cli.run("run", "show", "aaaa1111", "--format", "json").out());
        assertEquals("model.txt", first.get("files").get(0).get("name").asText());
        assertEquals("[\"loss\"]", first.get("metrics").toString());
    }

    @Test
    void ambiguousPrefixIsAUsageErrorAndUnknownIdAnError() {
        Cli.Result ambiguous = cli.run("run", "show", "aaa");
        assertEquals(2, ambiguous.code());
        assertTrue(ambiguous.err().contains("'aaa' matches 2 runs (aaaa1111, aaab2222)"), ambiguous.err());

        Cli.Result unknown = cli.run("run", "show", "zzzz9999");
        assertEquals(1, unknown.code());
        assertEquals("", unknown.out());
        assertTrue(unknown.err().startsWith("keel: no run with id 'zzzz9999' in " + home), unknown.err());
    }

    @Test
    void showAcceptsTheRunName() {
        Cli.Result r = cli.run("run", "show", "calm-heron-2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Run:      aaab2222"), r.out());
    }

    @Test
    void logsPrintConsoleLinesInOrderAndByStream() {
        assertEquals(
                "epoch 1 done\nwarning: slow disk\nepoch 2 done\n",
                cli.run("run", "logs", "aaaa1111").out());
        assertEquals(
                "err | warning: slow disk\n",
                cli.run("run", "logs", "aaaa1111", "--stream", "err", "--prefix")
                        .out());
    }

    @Test
    void historyPrintsEveryPointInStepOrder() throws Exception {
        Cli.Result csv = cli.run("run", "history", "aaaa1111", "loss", "--format", "csv");
        assertEquals(0, csv.code(), csv.err());
        String[] lines = csv.out().split("\n");
        assertEquals("step,loss,time", lines[0]);
        assertEquals(7, lines.length);
        assertTrue(lines[1].startsWith("0,1.0,"), lines[1]);
        assertTrue(lines[6].startsWith("5,-Infinity,"), lines[6]);

        JsonNode json = JSON.readTree(cli.run("run", "history", "aaaa1111", "loss", "--format", "json")
                .out());
        assertEquals(6, json.size());
        assertEquals(0.5, json.get(1).get("value").asDouble());
        assertEquals("-Infinity", json.get(5).get("value").asText());

        String table = cli.run("run", "history", "aaaa1111", "loss").out();
        assertTrue(table.contains("\n   2     0.3333  "), table);
        assertTrue(table.contains("\n   5  -Infinity  "), table);
    }

    @Test
    void historyOfAnUnknownMetricNamesTheLoggedOnes() {
        Cli.Result r = cli.run("run", "history", "aaaa1111", "accuracy");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("run aaaa1111 has no metric 'accuracy': it logged loss"), r.err());
    }

    @Test
    void rmAsksAndKeepsTheRunUnlessConfirmed() {
        Cli.Result declined = cli.runWithInput("n\n", "run", "rm", "aaab2222");
        assertEquals(1, declined.code());
        assertTrue(declined.err().contains("Delete run aaab2222 (calm-heron-2, finished)"), declined.err());
        assertTrue(declined.err().contains("not deleted"), declined.err());
        assertEquals(0, cli.run("run", "show", "aaab2222").code());

        Cli.Result noAnswer = cli.run("run", "rm", "aaab2222");
        assertEquals(1, noAnswer.code());
        assertTrue(noAnswer.err().contains("pass --yes"), noAnswer.err());

        Cli.Result confirmed = cli.runWithInput("y\n", "run", "rm", "aaab2222");
        assertEquals(0, confirmed.code(), confirmed.err());
        assertEquals(1, cli.run("run", "show", "aaab2222").code());
        assertEquals(2, RunsCommandTest.ids(cli.run("runs")).size());
    }

    @Test
    void rmWithYesDeletesTheRunAndItsFolder() {
        Path dir = home.resolve("runs").resolve("cccc3333");
        assertTrue(Files.isDirectory(dir));
        Cli.Result r = cli.run("run", "rm", "cccc", "--yes");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("deleted run cccc3333"), r.err());
        assertFalse(Files.exists(dir));
        assertEquals(List.of("aaab2222", "aaaa1111"), RunsCommandTest.ids(cli.run("runs")));
    }

    @Test
    void projectsListsEachWithItsRunCount() throws Exception {
        Cli.Result r = cli.run("projects", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode projects = JSON.readTree(r.out());
        assertEquals(2, projects.size());
        Map<String, Integer> counts = new TreeMap<>();
        projects.forEach(p -> counts.put(p.get("name").asText(), p.get("runs").asInt()));
        assertEquals(Map.of("mnist", 2, "other", 1), counts);
        String table = cli.run("projects").out();
        assertTrue(table.startsWith("Project"), table);
        assertTrue(table.contains("mnist"), table);
    }

    @Test
    void aReadOnlyStoreStillListsButRmNamesThePathAndTheFix() throws Exception {
        Assumptions.assumeTrue(chattr("+i"), "needs chattr (root on ext4/tmpfs)");
        try {
            // Whether SQLite can read a WAL database in an immutable folder depends on leftover
            // -shm files; either it lists, or it says which folder to make writable.
            Cli.Result listed = cli.run("runs", "--format", "csv");
            if (listed.code() == 0) {
                assertEquals(4, listed.out().split("\n").length);
            } else {
                assertEquals(1, listed.code());
                assertTrue(listed.err().contains(home + " writable"), listed.err());
            }

            Cli.Result r = cli.run("run", "rm", "aaaa1111", "--yes");
            assertEquals(1, r.code());
            assertTrue(r.err().contains(home.toString()), r.err());
            assertTrue(r.err().contains("writable"), r.err());
        } finally {
            chattr("-i");
        }
        assertEquals(0, cli.run("run", "show", "aaaa1111").code());
    }

    private boolean chattr(String flag) throws Exception {
        try {
            Process p = new ProcessBuilder("chattr", "-R", flag, home.toString())
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aDamagedStoreIsNamedWithItsPath(@TempDir Path other) throws Exception {
        Files.writeString(
                other.resolve("keel.db"),
                "this is not a database, just text that is long enough " + "to look like something".repeat(20));
        Cli.Result r = new Cli(other).run("runs");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("keel: "), r.err());
        assertTrue(r.err().contains(other.resolve("keel.db") + " is damaged"), r.err());
        assertEquals("", r.out());
    }
}
