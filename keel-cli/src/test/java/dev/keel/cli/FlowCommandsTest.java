package dev.keel.cli;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.flow.ProjectFlow;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keel repro} and {@code keel dag} on a real project folder: each stage a real child
 * process, one of them a Keel program (a JVM calling Keel.init), every run in a real SQLite store.
 */
class FlowCommandsTest {
    @TempDir
    Path dir;

    private Path project;
    private Path home;
    private Cli cli;

    private void project(String yaml) throws Exception {
        project = dir.resolve("project");
        home = project.resolve(".keel");
        Files.createDirectories(project);
        Files.writeString(project.resolve("keel.yaml"), yaml);
        Files.writeString(project.resolve("raw.txt"), "one\n");
        Files.writeString(project.resolve("scale.txt"), "1.0\n");
        Files.writeString(project.resolve("notes.txt"), "notes\n");
        cli = new Cli(home);
    }

    private static String java() {
        return ChildJvm.java() + " " + String.join(" ", ChildJvm.OPTIONS) + " -cp '"
                + System.getProperty("java.class.path") + "' " + ReproducibleProgram.class.getName();
    }

    private String flow() {
        return """
                project: flowtest
                stages:
                  prepare:
                    cmd: cp raw.txt prepared.txt && echo prepared
                    inputs: [raw.txt]
                    outputs: [prepared.txt]
                  train:
                    cmd: JAVA && cp prepared.txt model.txt
                    inputs: [prepared.txt, scale.txt]
                    outputs: [model.txt]
                  report:
                    cmd: cat model.txt > report.txt
                    inputs: [model.txt]
                    outputs: [report.txt]
                  notes:
                    cmd: cp notes.txt notes.out
                    inputs: [notes.txt]
                    outputs: [notes.out]
                """.replace("JAVA", java());
    }

    private List<RunInfo> runs() {
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            return store.searchRuns(RunQuery.all());
        }
    }

    private static String line(String out, String stage) {
        return out.lines()
                .filter(l -> l.startsWith(stage + " ") && (l.contains("runs:") || l.contains("skipped:")))
                .findFirst()
                .orElse("(no line for " + stage + ")\n" + out);
    }

    @Test
    void everyStageRunsTrackedThenOneChangedInputReRunsExactlyTheStagesDownstreamOfIt() throws Exception {
        project(flow());
        Cli.Result first = cli.run("repro", "--dir", project.toString());
        assertEquals(0, first.code(), first.err() + first.out());
        assertTrue(line(first.out(), "prepare").endsWith("runs: never ran (no entry in keel.lock)"), first.out());
        assertTrue(first.out().contains("4 of 4 stages ran; keel.lock updated"), first.out());

        List<RunInfo> runs = runs();
        assertEquals(4, runs.size());
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            RunInfo prepare = runs.stream()
                    .filter(r -> r.tags().contains("prepare"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("flowtest", prepare.project());
            assertEquals(RunState.FINISHED, prepare.state());
            Map<String, Object> p = store.provenance(prepare.id());
            assertEquals("stage", p.get("job_type"));
            assertEquals("prepare", ((Map<?, ?>) p.get("flow")).get("stage"));
            assertEquals("prepared", store.console(prepare.id(), 0, 10).get(0).text());

            // the Keel program recorded into the run keel repro made for its stage
            RunInfo train = runs.stream()
                    .filter(r -> r.tags().contains("train"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("reproducible", train.project());
            assertFalse(store.metricKeys(train.id()).isEmpty());
            Map<?, ?> trainFlow = (Map<?, ?>) store.provenance(train.id()).get("flow");
            assertEquals(Map.of("prepare", prepare.id()), trainFlow.get("upstream_runs"));
            assertTrue(((Map<?, ?>) trainFlow.get("inputs"))
                    .get("prepared.txt")
                    .toString()
                    .startsWith("sha256:"));

            ProjectFlow recorded = store.flow("flowtest").orElseThrow();
            assertEquals(4, recorded.stages().size());
            assertEquals(train.id(), recorded.stage("train").lastRun());
            assertEquals(
                    new ProjectFlow.Edge("prepare", "train", "prepared.txt"),
                    recorded.edges().get(0));
        }

        Cli.Result again = cli.run("repro", "--dir", project.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("up to date: 4 stages, nothing ran"), again.out());
        assertEquals(4, runs().size());

        Files.writeString(project.resolve("raw.txt"), "two\n");
        Cli.Result changed = cli.run("repro", "--dir", project.toString());
        assertEquals(0, changed.code(), changed.err() + changed.out());
        assertTrue(line(changed.out(), "prepare").contains("runs: input raw.txt changed ("), changed.out());
        assertTrue(
                line(changed.out(), "train").contains("runs: upstream stage prepare re-ran: prepared.txt changed ("),
                changed.out());
        assertTrue(line(changed.out(), "report").contains("runs: upstream stage train re-ran"), changed.out());
        assertTrue(line(changed.out(), "notes").endsWith("skipped: up to date"), changed.out());
        List<String> tagsOfNewRuns = runs().stream()
                .filter(r -> runs.stream().noneMatch(old -> old.id().equals(r.id())))
                .map(r -> r.tags().get(r.tags().size() - 1))
                .sorted()
                .toList();
        assertEquals(List.of("prepare", "report", "train"), tagsOfNewRuns);
    }

    @Test
    void aFailingStageIsNamedStopsWhatFollowsAndKeepsTheLockOfWhatRanThrough() throws Exception {
        project("""
                project: flowtest
                stages:
                  a:
                    cmd: cp raw.txt a.txt
                    inputs: [raw.txt]
                    outputs: [a.txt]
                  b:
                    cmd: echo broken >&2 && exit 4
                    inputs: [a.txt]
                    outputs: [b.txt]
                  c:
                    cmd: cp b.txt c.txt
                    inputs: [b.txt]
                    outputs: [c.txt]
                """);
        Cli.Result r = cli.run("repro", "--dir", project.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("stage 'b' failed: its command exited with code 4 (run "), r.err());
        assertTrue(r.err().contains("Not run: c. keel.lock keeps the entries of the stages that ran through"), r.err());
        String lock = Files.readString(project.resolve("keel.lock"));
        assertTrue(lock.contains("\"a\" : {"), lock);
        assertFalse(lock.contains("\"b\" : {"), lock);
        RunInfo failed =
                runs().stream().filter(x -> x.tags().contains("b")).findFirst().orElseThrow();
        assertEquals(RunState.FAILED, failed.state());
        assertEquals(2, runs().size());

        Cli.Result again = cli.run("repro", "--dir", project.toString(), "--dry-run");
        assertEquals(0, again.code(), again.err());
        assertTrue(line(again.out(), "a").endsWith("skipped: up to date"), again.out());
        assertTrue(line(again.out(), "b").endsWith("runs: never ran (no entry in keel.lock)"), again.out());
    }

    @Test
    void aCycleOrAMalformedFileIsRefusedAndNothingRecordedChanges() throws Exception {
        project(flow());
        assertEquals(0, cli.run("repro", "--dir", project.toString()).code());
        String lock = Files.readString(project.resolve("keel.lock"));
        int runs = runs().size();

        Files.writeString(
                project.resolve("keel.yaml"), flow().replace("inputs: [raw.txt]", "inputs: [raw.txt, report.txt]"));
        Cli.Result cycle = cli.run("repro", "--dir", project.toString());
        assertNotEquals(0, cycle.code());
        assertTrue(
                cycle.err().contains("stages: the stages form a cycle: prepare → train → report → prepare"),
                cycle.err());

        Files.writeString(
                project.resolve("keel.yaml"),
                "stages:\n  a:\n    cmd: x\n    outputs: [o]\n  b:\n    cmd: y\n" + "    outputs: [o]\n");
        Cli.Result twice = cli.run("repro", "--dir", project.toString());
        assertTrue(
                twice.err().contains("keel.yaml line 5: stages.b.outputs: 'o' is also an output of stage 'a'"),
                twice.err());

        Files.writeString(project.resolve("keel.yaml"), "stages:\n  a:\n    cmd: x\n   inputs: [o]\n");
        Cli.Result malformed = cli.run("dag", "--dir", project.toString());
        assertNotEquals(0, malformed.code());
        assertTrue(malformed.err().contains("keel.yaml line "), malformed.err());
        assertTrue(malformed.err().contains("not valid YAML"), malformed.err());

        assertEquals(lock, Files.readString(project.resolve("keel.lock")));
        assertEquals(runs, runs().size());
    }

    @Test
    void dagDrawsTheFlowAndRecordsItOnRequest() throws Exception {
        project(flow());
        Cli.Result text = cli.run("dag", "--dir", project.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(
                text.out()
                        .startsWith("prepare  $ cp raw.txt prepared.txt && echo prepared  → prepared.txt\n"
                                + "└─▶ train  $ "),
                text.out());
        Cli.Result mermaid = cli.run("dag", "--dir", project.toString(), "--format", "mermaid");
        assertTrue(mermaid.out().contains("  prepare -->|prepared.txt| train\n"), mermaid.out());
        Cli.Result dot = cli.run("dag", "--dir", project.toString(), "--format", "dot", "--record");
        assertTrue(dot.out().contains("  \"train\" -> \"report\" [label=\"model.txt\"];\n"), dot.out());
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            assertEquals(4, store.flow("flowtest").orElseThrow().stages().size());
        }
    }
}
