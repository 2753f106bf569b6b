package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;

    static Cli cli;

    @BeforeAll
    static void seed() {
        Fixtures.seed(home);
        cli = new Cli(home);
    }

    @Test
    void tableShowsSummaryMetricsThenDifferingConfigThenTheOtherColumnsButNoSystemMetrics() {
        Cli.Result r = cli.run("runs");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].indexOf("summary") < lines[0].indexOf("config"), lines[0]);
        List<String> header = Arrays.asList(lines[1].trim().split("\\s+"));
        assertEquals(
                List.of(
                        "ID",
                        "Name",
                        "State",
                        "val_accuracy",
                        "val_loss",
                        "layers",
                        "lr",
                        "optimizer.name",
                        "Runtime",
                        "Created",
                        "Tags",
                        "User",
                        "Notes"),
                header);
        assertFalse(r.out().contains("cpu_percent"));
        assertEquals(5, lines.length, r.out());
    }

    @Test
    void newestRunComesFirstAndVanishedProcessReadsAsCrashed() {
        String[] lines = cli.run("runs").out().split("\n");
        assertTrue(lines[2].startsWith("cccc3333"), lines[2]);
        assertTrue(lines[2].contains("crashed"), lines[2]);
        assertTrue(lines[3].startsWith("aaab2222"));
        assertTrue(lines[4].startsWith("aaaa1111"));
    }

    @Test
    void sortsBySummaryMetricDescendingAndConfigKeyAscending() {
        assertEquals(List.of("aaaa1111", "cccc3333", "aaab2222"), ids(cli.run("runs", "--sort", "-val_loss")));
        assertEquals(List.of("aaab2222", "aaaa1111", "cccc3333"), ids(cli.run("runs", "--sort", "config.layers")));
        assertEquals(List.of("aaaa1111", "aaab2222", "cccc3333"), ids(cli.run("runs", "--sort", "Created")));
    }

    @Test
    void sortingByAMissingMetricSuggestsTheConfigKey() {
        Cli.Result r = cli.run("runs", "--sort", "-layers");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("no listed run has summary.layers; did you mean --sort -config.layers?"), r.err());
        assertEquals("", cli.run("runs", "--sort", "val_loss").err());
    }

    @Test
    void columnsPicksColumnsByHeaderKeyOrShortNameInTheOrderGiven() {
        Cli.Result r = cli.run("runs", "--columns", "name,val_loss,config.lr,name,Created", "--sort", "created");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(
                List.of("Name", "val_loss", "lr", "Name", "Created"),
                Arrays.asList(lines[1].trim().split("\\s+")));
        assertTrue(lines[2].startsWith("brave-otter-1"), lines[2]);
        Cli.Result csv = cli.run("runs", "--columns", "id,optimizer.name,val_accuracy", "--format", "csv");
        assertEquals("id,config.optimizer.name,summary.val_accuracy", csv.out().split("\n")[0]);
    }

    @Test
    void anUnknownColumnNamesTheColumnsThereAre() {
        Cli.Result r = cli.run("runs", "--columns", "name,accuracy");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertTrue(
                r.err()
                        .contains("no column 'accuracy' in the listed runs; the columns are: id, name, state, notes, "
                                + "user, tags, created, runtime, sweep, config.layers, config.lr, config.optimizer.name, "
                                + "summary.val_accuracy, summary.val_loss"),
                r.err());
        assertTrue(cli.run("runs", "--columns", "name", "--format", "json")
                .err()
                .contains("--columns picks table or csv columns"));
    }

    @Test
    void configEveryListedRunSharesIsNamedOnceUnderTheTable() {
        Cli.Result r = cli.run("runs", "--filter", "config.optimizer.name = \"adam\"");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().endsWith("\nsame in every run: optimizer.name=adam\n"), r.out());
        assertFalse(r.out().split("\n")[1].contains("optimizer"), r.out());
        assertEquals(List.of("cccc3333", "aaaa1111"), ids(r));
    }

    @Test
    void jsonFollowsTheContract() throws Exception {
        Cli.Result r = cli.run("runs", "--format", "json", "--sort", "created");
        assertEquals(0, r.code(), r.err());
        JsonNode runs = JSON.readTree(r.out());
        assertEquals(3, runs.size());
        Set<String> keys = new TreeSet<>();
        runs.get(0).fieldNames().forEachRemaining(keys::add);
        assertEquals(
                new TreeSet<>(List.of(
                        "id",
                        "name",
                        "project",
                        "state",
                        "user",
                        "tags",
                        "notes",
                        "created_at",
                        "runtime_s",
                        "sweep",
                        "config",
                        "summary",
                        "problems",
                        "inputs")),
                keys);
        JsonNode first = runs.get(0);
        assertEquals("aaaa1111", first.get("id").asText());
        assertEquals("finished", first.get("state").asText());
        assertEquals(65.0, first.get("runtime_s").asDouble());
        assertEquals("2025-11-24T16:00:00Z", first.get("created_at").asText());
        assertEquals("adam", first.get("config").get("optimizer").get("name").asText());
        assertEquals(64, first.get("config").get("layers").asInt());
        assertTrue(first.get("sweep").isNull());
        assertEquals("[\"mlp\",\"baseline\"]", first.get("tags").toString());
        assertEquals("NaN", runs.get(1).get("summary").get("val_loss").asText());
        assertTrue(runs.get(1).get("summary").get("val_loss").isTextual());
        assertEquals("Infinity", runs.get(2).get("summary").get("val_accuracy").asText());
        assertEquals("crashed", runs.get(2).get("state").asText());
    }

    @Test
    void csvQuotesCellsAndKeepsExactValues() {
        Cli.Result r = cli.run("runs", "--format", "csv", "--sort", "created");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(
                "id,name,state,notes,user,tags,created,runtime,sweep,config.layers,config.lr,"
                        + "config.optimizer.name,summary.val_accuracy,summary.val_loss",
                lines[0]);
        assertEquals(
                "aaaa1111,brave-otter-1,finished,\"first try, \"\"quoted\"\"\",ada,baseline;mlp,"
                        + "2025-11-24T16:00:00Z,65.0,,64,0.01,adam,0.89,0.3",
                lines[1]);
        assertTrue(lines[2].endsWith(",0.7,NaN"), lines[2]);
        assertEquals(4, lines.length);
    }

    @Test
    void filtersProjectLimitAndExpressions() {
        assertEquals(List.of("aaab2222", "aaaa1111"), ids(cli.run("runs", "--project", "mnist")));
        assertEquals(List.of("cccc3333"), ids(cli.run("runs", "--limit", "1")));
        assertEquals(List.of("aaaa1111"), ids(cli.run("runs", "--filter", "config.layers >= 64 and state = finished")));
        assertEquals(List.of("aaab2222", "aaaa1111"), ids(cli.run("runs", "--filter", "tags contains \"mlp\"")));
        assertEquals(List.of("cccc3333"), ids(cli.run("runs", "--filter", "state = crashed")));
    }

    @Test
    void badFilterShowsTheCaretAndExitsWithUsageCode() {
        Cli.Result r = cli.run("runs", "--filter", "config.layers >= and state = finished");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("invalid filter at column 18"), r.err());
        assertTrue(r.err().contains("\n                   ^"), r.err());
    }

    @Test
    void badOptionIsAUsageError() {
        Cli.Result r = cli.run("runs", "--format", "xml");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("xml"), r.err());
        assertTrue(r.err().contains("keel runs --help"), r.err());
    }

    @Test
    void emptyHomeListsNoRunsWithoutCreatingAStore(@TempDir Path empty) throws Exception {
        Cli.Result r = new Cli(empty.resolve(".keel")).run("runs", "--format", "json");
        assertEquals(0, r.code());
        assertEquals(0, JSON.readTree(r.out()).size());
        assertTrue(r.err().contains("no runs yet"), r.err());
        assertFalse(Files.exists(empty.resolve(".keel")));
    }

    /** The run ids of a table's rows, in order (rows start after the group and header lines). */
    static List<String> ids(Cli.Result r) {
        assertEquals(0, r.code(), r.err());
        List<String> ids = new ArrayList<>();
        String[] lines = r.out().split("\n");
        for (int i = 2; i < lines.length && !lines[i].isEmpty(); i++) {
            ids.add(lines[i].substring(0, 8));
        }
        return ids;
    }
}
