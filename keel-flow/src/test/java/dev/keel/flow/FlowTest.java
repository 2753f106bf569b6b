package dev.keel.flow;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowTest {
    static final String REFERENCE = """
            project: demo
            stages:
              prepare:
                cmd: cp raw.csv data/train.csv
                inputs: [raw.csv]
                outputs: [data/train.csv]
              model:
                stages:
                  train:
                    cmd: ./train
                    inputs: [data/, dataset:blobs@v2]
                    params: [epochs, {conf/train.yaml: [optimizer.lr]}]
                    outputs: [weights/]
                  evaluate:
                    cmd: ./evaluate
                    inputs: [weights/model.bin]
                    outputs: [metrics.json]
              export:
                cmd: ./export
                inputs: [weights/]
                outputs: [export/]
                after: [evaluate]
            """;

    @Test
    void edgesComeFromOutputsReadAsInputsAndFromAfter() {
        Flow flow = Flow.parse(REFERENCE, "keel.yaml");
        assertEquals("demo", flow.project());
        assertEquals(
                List.of(
                        new Edge("prepare", "train", "data/"),
                        new Edge("train", "evaluate", "weights/model.bin"),
                        new Edge("train", "export", "weights/"),
                        new Edge("evaluate", "export", "after")),
                flow.edges());
        assertEquals(
                List.of("prepare", "train", "evaluate", "export"),
                flow.order().stream().map(Stage::name).toList());
        assertEquals("model", flow.stage("train").parent());
        assertEquals(List.of("train", "evaluate"), flow.stage("model").children());
        assertEquals(
                List.of("prepare", "train", "evaluate"),
                flow.upTo("model").stream().map(Stage::name).toList());
        assertEquals(List.of("evaluate", "export"), List.copyOf(flow.downstreamOf("train")));
        Input dataset = flow.stage("train").inputs().get(1);
        assertEquals("dataset:blobs@v2", dataset.key());
        assertEquals("blobs:v2", dataset.datasetRef());
        assertEquals(
                "conf/train.yaml:optimizer.lr",
                flow.stage("train").inputs().get(3).key());
        assertEquals("params.yaml:epochs", flow.stage("train").inputs().get(2).key());
    }

    @Test
    void aGroupsAfterReachesItsFirstSubStageOnlyWhenTheOthersFollowIt() {
        Flow flow = Flow.parse("""
                stages:
                  register:
                    cmd: ./run register
                  model:
                    after: [register]
                    stages:
                      train:
                        cmd: ./run train
                        outputs: [artifacts/flow/]
                      promote:
                        cmd: ./run promote artifacts/flow
                        inputs: [artifacts/flow/]
                        outputs: [weights/]
                """, "keel.yaml");
        assertEquals(
                List.of(new Edge("register", "train", "after"), new Edge("train", "promote", "artifacts/flow/")),
                flow.edges());
    }

    @Test
    void aKeelYamlWithoutStagesIsAnEmptyFlow() {
        Flow flow = Flow.parse("# Marks this folder as a Keel project\nproject: demo\n", "keel.yaml");
        assertTrue(flow.isEmpty());
        assertEquals(List.of(), flow.order());
    }

    @Test
    void aCycleIsNamedWithTheInputsThatCloseIt() {
        FlowException e = assertThrows(FlowException.class, () -> Flow.parse("""
                stages:
                  a:
                    cmd: make a
                    inputs: [c.txt]
                    outputs: [a.txt]
                  b:
                    cmd: make b
                    inputs: [a.txt]
                    outputs: [b.txt]
                  c:
                    cmd: make c
                    inputs: [b.txt]
                    outputs: [c.txt]
                """, "keel.yaml"));
        assertEquals(
                "keel.yaml line 2: stages: the stages form a cycle: a → b → c → a (b reads a.txt of a, c reads b.txt"
                        + " of b, a reads c.txt of c): a stage cannot depend on its own outputs; remove one of these"
                        + " inputs or after: entries",
                e.getMessage());
    }

    @Test
    void anOutputClaimedByTwoStagesNamesBothAndTheirLines() {
        FlowException e = assertThrows(FlowException.class, () -> Flow.parse("""
                stages:
                  train:
                    cmd: ./train
                    outputs: [weights/]
                  finetune:
                    cmd: ./finetune
                    outputs: [weights/best.bin]
                """, "keel.yaml"));
        assertEquals(
                "keel.yaml line 5: stages.finetune.outputs: 'weights/best.bin' overlaps 'weights/', an output of stage"
                        + " 'train' (line 2): an output belongs to one stage; write it from one of them, or give one of"
                        + " them another path",
                e.getMessage());
        assertEquals(5, e.line());
    }

    @Test
    void malformedKeelYamlNamesTheLineAndKey() {
        FlowException yaml = assertThrows(
                FlowException.class, () -> Flow.parse("stages:\n  train:\n    cmd: [unclosed\n", "keel.yaml"));
        assertTrue(yaml.getMessage().matches("(?s)keel.yaml line \\d+: not valid YAML \\(.*"), yaml.getMessage());

        FlowException key = assertThrows(
                FlowException.class,
                () -> Flow.parse("stages:\n  train:\n    cmd: ./train\n    output: [w/]\n", "keel.yaml"));
        assertEquals(
                "keel.yaml line 4: stages.train.output: unknown key 'output': a stage has cmd, inputs, outputs, params,"
                        + " after (or stages for a group)",
                key.getMessage());

        FlowException noCmd = assertThrows(
                FlowException.class, () -> Flow.parse("stages:\n  train:\n    inputs: [a]\n", "keel.yaml"));
        assertEquals(
                "keel.yaml line 3: stages.train: stage 'train' has no cmd: write the command that makes its outputs,"
                        + " e.g. cmd: ./run train",
                noCmd.getMessage());

        FlowException outside = assertThrows(
                FlowException.class,
                () -> Flow.parse("stages:\n  t:\n    cmd: x\n    inputs: [../secret]\n", "keel.yaml"));
        assertEquals(
                "keel.yaml line 4: stages.t.inputs: '../secret' leaves the project folder: inputs and outputs live"
                        + " inside it",
                outside.getMessage());

        FlowException after = assertThrows(
                FlowException.class,
                () -> Flow.parse("stages:\n  t:\n    cmd: x\n    after: [prepare]\n", "keel.yaml"));
        assertEquals(
                "keel.yaml line 2: stages.t.after: no stage 'prepare': after: names stages of this flow (t)",
                after.getMessage());
    }

    @Test
    void dagViewsNameEveryStageAndEdge() {
        Flow flow = Flow.parse(REFERENCE, "keel.yaml");
        assertEquals("""
                prepare  $ cp raw.csv data/train.csv  → data/train.csv
                └─▶ train [model]  $ ./train  ← data/  → weights/
                    ├─▶ evaluate [model]  $ ./evaluate  ← weights/model.bin  → metrics.json
                    │   └─▶ export  $ ./export  ← after evaluate  → export/
                    └─▶ export  (drawn above)  ← weights/
                """, DagView.text(flow));
        String mermaid = DagView.mermaid(flow);
        assertTrue(mermaid.contains("  subgraph model [\"model\"]\n    train[\"train\"]\n"), mermaid);
        assertTrue(mermaid.contains("  prepare -->|data/| train\n"), mermaid);
        String dot = DagView.dot(flow);
        assertTrue(dot.contains("  \"evaluate\" -> \"export\" [label=\"after evaluate\"];\n"), dot);
        assertTrue(dot.contains("subgraph \"cluster_model\""), dot);
    }
}
