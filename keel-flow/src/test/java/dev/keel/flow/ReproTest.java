package dev.keel.flow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** keel repro's decisions on real files, each stage a real child process ({@code sh -c}). */
class ReproTest {
    /**
     * raw.csv → prepare → data/train.csv → train → weights/model.txt → evaluate → metrics.txt;
     * notes.txt → report (apart from the others). Each command appends its stage name to ran.log.
     */
    static final String FLOW = """
            stages:
              prepare:
                cmd: mkdir -p data && cp raw.csv data/train.csv && echo prepare >> ran.log
                inputs: [raw.csv]
                outputs: [data/train.csv]
              train:
                cmd: mkdir -p weights && wc -l < data/train.csv > weights/model.txt && echo train >> ran.log
                inputs: [data/train.csv]
                params: [epochs, layers, optimizer]
                outputs: [weights/]
              evaluate:
                cmd: cat weights/model.txt > metrics.txt && echo evaluate >> ran.log
                inputs: [weights/model.txt]
                outputs: [metrics.txt]
              report:
                cmd: cp notes.txt report.txt && echo report >> ran.log
                inputs: [notes.txt]
                outputs: [report.txt]
            """;

    @TempDir
    Path root;

    private final Map<String, String> reasons = new LinkedHashMap<>();

    private void project() throws Exception {
        Files.writeString(root.resolve("keel.yaml"), FLOW);
        Files.writeString(root.resolve("raw.csv"), "a,1\nb,2\n");
        Files.writeString(root.resolve("notes.txt"), "notes\n");
        Files.writeString(
                root.resolve("params.yaml"),
                "epochs: 3\nlr: 0.1\nlayers: [512, 256]\noptimizer: {name: adam, beta: 0.9}\n");
    }

    private List<String> repro(String target, Set<String> force, boolean dryRun) throws Exception {
        Files.deleteIfExists(root.resolve("ran.log"));
        reasons.clear();
        Flow flow = Flow.load(root);
        new Repro(root, flow, ref -> ref + " sha256:00")
                .run(
                        target,
                        force,
                        dryRun,
                        (stage, why, now) -> new Repro.Outcome(
                                StageProcess.run(root, stage.command(), Map.of(), line -> {}), "run-" + stage.name()),
                        (stage, d) -> reasons.put(stage.name(), d.reason()));
        return ran();
    }

    private List<String> ran() throws Exception {
        Path log = root.resolve("ran.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void oneChangedInputReRunsExactlyTheStagesDownstreamOfIt() throws Exception {
        project();
        assertEquals(List.of("prepare", "train", "evaluate", "report"), repro(null, Set.of(), false));
        assertEquals("runs: never ran (no entry in keel.lock)", reasons.get("prepare"));

        assertEquals(List.of(), repro(null, Set.of(), false));
        reasons.values().forEach(r -> assertEquals("skipped: up to date", r));

        String before = ContentHash.of(root.resolve("raw.csv"));
        Files.writeString(root.resolve("raw.csv"), "a,1\nb,2\nc,3\n");
        String after = ContentHash.of(root.resolve("raw.csv"));
        assertEquals(List.of("prepare", "train", "evaluate"), repro(null, Set.of(), false));
        assertEquals(
                "runs: input raw.csv changed (" + ContentHash.shortly(before) + " → " + ContentHash.shortly(after)
                        + ")",
                reasons.get("prepare"));
        assertTrue(
                reasons.get("train").startsWith("runs: upstream stage prepare re-ran: data/train.csv changed ("),
                reasons.get("train"));
        assertEquals("skipped: up to date", reasons.get("report"));
    }

    @Test
    void contentNotTimeDecides() throws Exception {
        project();
        repro(null, Set.of(), false);
        Path raw = root.resolve("raw.csv");
        Files.writeString(raw, Files.readString(raw));
        Files.setLastModifiedTime(raw, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertEquals(List.of(), repro(null, Set.of(), false), "a touched file with the same bytes is not stale");
    }

    @Test
    void paramsMissingOutputsForceAndDryRunEachSayWhy() throws Exception {
        project();
        repro(null, Set.of(), false);

        Files.writeString(
                root.resolve("params.yaml"),
                "epochs: 3\nlr: 0.5\nlayers: [512, 256]\noptimizer: {name: adam, beta: 0.9}\n");
        assertEquals(List.of(), repro(null, Set.of(), false), "a param no stage names changes nothing");
        Files.writeString(
                root.resolve("params.yaml"),
                "epochs: 4\nlr: 0.5\nlayers: [512, 256]\noptimizer: {name: adam, beta: 0.9}\n");
        assertEquals(List.of(), repro(null, Set.of(), true), "a dry run runs nothing");
        assertEquals("runs: param params.yaml:epochs changed (3 → 4)", reasons.get("train"));
        assertEquals("runs: upstream stage train runs first", reasons.get("evaluate"));
        assertEquals(List.of("train"), repro("train", Set.of(), false));

        Files.delete(root.resolve("metrics.txt"));
        assertEquals(List.of("evaluate"), repro(null, Set.of(), false));
        assertEquals("runs: output metrics.txt missing", reasons.get("evaluate"));

        assertEquals(List.of("report"), repro(null, Set.of("report"), false));
        assertEquals("runs: forced (--force report)", reasons.get("report"));
    }

    @Test
    void aFailingStageStopsTheStagesAfterItAndKeepsTheLockOfThoseThatRanThrough() throws Exception {
        project();
        repro(null, Set.of(), false);
        FlowLock before = FlowLock.read(root);
        Files.writeString(root.resolve("keel.yaml"), FLOW.replace("wc -l < data/train.csv", "exit 3; true"));
        Files.writeString(root.resolve("raw.csv"), "changed\n");

        FlowException e = assertThrows(FlowException.class, () -> repro(null, Set.of(), false));
        assertEquals(
                "stage 'train' failed: its command exited with code 3 (run run-train: keel run logs run-train). Not run:"
                        + " evaluate. keel.lock keeps the entries of the stages that ran through; fix the stage and run"
                        + " keel repro again",
                e.getMessage());
        assertEquals(List.of("prepare"), ran());
        FlowLock after = FlowLock.read(root);
        assertEquals(
                ContentHash.of(root.resolve("raw.csv")),
                after.entry("prepare").inputs().get("raw.csv"));
        assertEquals(before.entry("train"), after.entry("train"), "the failed stage's entry is the one from before");
        assertEquals(before.entry("evaluate"), after.entry("evaluate"));
        assertEquals(before.entry("report"), after.entry("report"));

        Files.writeString(root.resolve("keel.yaml"), FLOW);
        assertEquals(List.of("train", "evaluate"), repro(null, Set.of(), false), "the next repro takes up from there");
    }

    @Test
    void anUnknownInputIsNamedBeforeAnythingRuns() throws Exception {
        project();
        Files.writeString(root.resolve("keel.yaml"), FLOW.replace("inputs: [notes.txt]", "inputs: [notes.md]"));
        FlowException e = assertThrows(FlowException.class, () -> repro(null, Set.of(), false));
        assertEquals(
                "keel.yaml line 17: stages.report.inputs: 'notes.md' does not exist and no stage outputs it: create it,"
                        + " fix the path, or add the stage that writes it (with it under outputs:)",
                e.getMessage());
        assertEquals(List.of(), ran());
        assertFalse(Files.exists(root.resolve("keel.lock")));
    }

    @Test
    void theLockFileIsSortedAndStable() throws Exception {
        project();
        repro(null, Set.of(), false);
        String text = Files.readString(root.resolve("keel.lock"));
        assertTrue(text.startsWith("{\n  \"keel_lock\" : 1,\n  \"stages\" : {\n    \"evaluate\" : {"), text);
        FlowLock.read(root).write(root);
        assertEquals(text, Files.readString(root.resolve("keel.lock")));
        assertEquals(3L, ((Number) FlowLock.read(root).entry("train").params().get("params.yaml:epochs")).longValue());
    }
}
