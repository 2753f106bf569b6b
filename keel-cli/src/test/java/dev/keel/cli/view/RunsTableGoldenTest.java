package dev.keel.cli.view;

import dev.keel.cli.table.Table;
import dev.keel.cli.table.TextTable;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runs table of the demo's runs, as a terminal of 80, 120 and 160 columns shows it, against
 * the golden files in {@code src/test/resources/dev/keel/cli/view}. After an intended change,
 * regenerate them with {@code -Dkeel.golden.update=true} and read the diff.
 */
class RunsTableGoldenTest {
    private static final Path GOLDEN_DIR = Path.of("src/test/resources/dev/keel/cli/view");

    @TempDir
    static Path home;

    static List<RunInfo> runs;
    private static TimeZone zone;

    @BeforeAll
    static void record() {
        zone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        DemoRuns.record(home);
        runs = DemoRuns.fixed(home);
    }

    @AfterAll
    static void restoreZone() {
        TimeZone.setDefault(zone);
    }

    @ParameterizedTest
    @ValueSource(ints = {80, 120, 160})
    void matchesTheGoldenFile(int width) throws IOException {
        String actual = render(width, null);
        String name = "runs-" + width + ".txt";
        if (Boolean.getBoolean("keel.golden.update")) {
            Files.writeString(GOLDEN_DIR.resolve(name), actual);
        }
        Path golden = GOLDEN_DIR.resolve(name);
        assertTrue(
                Files.isRegularFile(golden), "golden file " + golden + " missing: run with -Dkeel.golden.update=true");
        assertEquals(Files.readString(golden), actual);
    }

    @Test
    void resultsComeFirstAndShowAtOneHundredColumns() {
        String text = render(100, null);
        String header = text.lines().skip(1).findFirst().orElseThrow();
        for (String metric : List.of("test_accuracy", "val_accuracy", "val_loss")) {
            assertTrue(header.contains(metric), metric + " not in " + header);
        }
        assertTrue(header.indexOf("test_accuracy") < header.indexOf("val_accuracy"), header);
        assertFalse(header.contains("dataset"), header);
    }

    @Test
    void configTheRunsShareIsListedOnceWithHashesShortened() {
        String text = render(160, null);
        assertTrue(
                text.contains("same in every run: batch_size=64, dataset.name=fashion-mnist, "
                        + "dataset.sha256.t10k-images-idx3-ubyte=5b4141f0…"),
                text);
        assertFalse(text.contains("5b4141f0afbad"), text);
        String wide = render(300, null).lines().skip(1).findFirst().orElseThrow();
        assertTrue(wide.contains("network") && wide.contains("lr_schedule"), wide);
        assertFalse(wide.contains("batch_size"), wide);
    }

    @Test
    void numbersShowAsLoggedNotAsWidenedFloats() {
        String text = render(160, null);
        assertTrue(text.contains("0.9135"), text); // the cnn's best val_accuracy, a float
        assertFalse(text.contains("0.91350001"), text);
        assertTrue(text.lines().anyMatch(l -> l.contains("cnn-small") && l.contains(" 10 ")), text); // epoch, not 10.0
    }

    @Test
    void theSortedMetricComesFirst() {
        String header = render(160, "val_loss").lines().skip(1).findFirst().orElseThrow();
        assertTrue(header.indexOf("val_loss") < header.indexOf("test_accuracy"), header);
    }

    @Test
    void aStoppedRunShowsItsStateAndLeavesItsReasonToRunShowAndCsv() {
        RunInfo first = runs.get(0);
        RunInfo stopped = new RunInfo(
                first.id(),
                first.project(),
                first.name(),
                first.group(),
                first.user(),
                first.tags(),
                first.notes(),
                RunState.STOPPED,
                first.createdAt(),
                first.heartbeatAt(),
                first.endedAt(),
                first.runtimeMs(),
                "sw33p001",
                first.host(),
                first.pid(),
                first.config(),
                withReason(first.summary()));
        String text = TextTable.render(RunsTable.forPeople(List.of(stopped), Map.of(), 0, null), 160)
                .text();
        assertTrue(text.contains("stopped"), text);
        assertFalse(text.contains("_stop_reason") || text.contains("hyperband"), text);
        Table csv = RunsTable.build(List.of(stopped), 0, true);
        assertTrue(csv.keys().contains("summary._stop_reason"), csv.keys().toString());
    }

    private static Map<String, Object> withReason(Map<String, Object> summary) {
        Map<String, Object> out = new LinkedHashMap<>(summary);
        out.put(RunState.STOP_REASON_KEY, "hyperband: val_loss 0.52 at step 3 is above 0.45");
        return out;
    }

    private static String render(int width, String firstMetric) {
        TextTable.Result r = TextTable.render(RunsTable.forPeople(runs, Map.of(), 0, firstMetric), width);
        return r.text() + (r.hidden().isEmpty() ? "" : "(not shown: " + String.join(", ", r.hidden()) + ")\n");
    }
}
