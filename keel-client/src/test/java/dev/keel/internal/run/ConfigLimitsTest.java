package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.core.RunInfo;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Config (and summary) that a store could not read back is refused at the door: the offending
 * key is dropped with a problem naming it, and the run goes on without it.
 */
class ConfigLimitsTest {
    @TempDir
    Path home;

    /** A Java object graph nested {@code levels} deep, as a careless config builder makes it. */
    public static final class Node {
        public Node child;
        public int level;
    }

    private static Map<String, Object> nestedMap(int levels) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> cur = root;
        for (int i = 0; i < levels; i++) {
            Map<String, Object> next = new LinkedHashMap<>();
            cur.put("a", next);
            cur = next;
        }
        cur.put("leaf", 1);
        return root;
    }

    private static Node nestedPojo(int levels) {
        Node root = new Node();
        Node cur = root;
        for (int i = 0; i < levels; i++) {
            cur.child = new Node();
            cur.child.level = i + 1;
            cur = cur.child;
        }
        return root;
    }

    /** Runs {@code body} with stderr captured; returns what it printed. */
    private static String stderrOf(Runnable body) {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The run as another process reads it from the store, after the writer's next cycle. */
    private RunInfo stored(Run run) {
        run.flush();
        return stored(run.id());
    }

    private RunInfo stored(String id) {
        try (Store store = TestRuns.reader(home)) {
            assertEquals(1, store.searchRuns(RunQuery.all()).size(), "the run lists");
            return store.run(id).orElseThrow();
        }
    }

    @Test
    void aTenMegabyteConfigKeyIsDroppedWithAProblemNamingItAndTheRunGoesOn() {
        String longKey = "x".repeat(10 * 1024 * 1024);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(longKey, 1);
        config.put("lr", 0.1);
        String[] id = new String[1];
        @SuppressWarnings({"unchecked", "rawtypes"}) // a holder the lambda below fills
        List<String>[] problems = new List[1];
        String err = stderrOf(() -> {
            try (Run run = Keel.init(TestRuns.options(home).config(config).build())) {
                id[0] = run.id();
                run.log(Map.of("loss", 1.0));
                assertEquals(Map.of("lr", 0.1), run.config());
                problems[0] = run.problems();
            }
        });
        String expected =
                "config key \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\" (10,485,760 characters) is longer than"
                        + " the limit of 250; the run goes on without it";
        assertEquals(List.of(expected), problems[0]);
        assertTrue(err.contains(expected), err);
        assertTrue(err.length() < 2000, "the key is not printed whole");
        assertEquals(Map.of("lr", 0.1), stored(id[0]).config());
    }

    @Test
    void aLongNestedKeyAndAHugeStringValueAreDroppedWhereTheyAre() {
        Map<String, Object> optimizer = new LinkedHashMap<>();
        optimizer.put("name", "adam");
        optimizer.put("k".repeat(300), 1);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("optimizer", optimizer);
        config.put("prompt", "p".repeat(2 * 1024 * 1024));
        config.put("epochs", 3);
        try (Run run = Keel.init(TestRuns.options(home).config(config).build())) {
            assertEquals(
                    List.of(
                            "config key \"optimizer.kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk…\" (300 characters) is longer than"
                                    + " the limit of 250; the run goes on without it",
                            "config key \"prompt\" holds a value of 2,097,152 characters, more than the limit of 1,048,576;"
                                    + " the run goes on without it"),
                    run.problems());
            assertEquals(Map.of("optimizer", Map.of("name", "adam"), "epochs", 3L), run.config());
            RunInfo info = stored(run);
            assertEquals(run.config(), info.config());
        }
    }

    @Test
    void aFiveThousandLevelConfigMapIsDroppedInsteadOfOverflowingTheStack() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("deep", nestedMap(5000));
        config.put("epochs", 3);
        try (Run run = Keel.init(TestRuns.options(home).config(config).build())) {
            assertEquals(
                    List.of("config key \"deep\" is nested more than 100 levels deep; flatten it;"
                            + " the run goes on without it"),
                    run.problems());
            assertEquals(Map.of("epochs", 3L), stored(run).config());
        }
    }

    @Test
    void aValueOfExactlyOneHundredLevelsIsKeptAndOneMoreIsNot() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("at_limit", nestedMap(99));
        config.put("over", nestedMap(100));
        try (Run run = Keel.init(TestRuns.options(home).config(config).build())) {
            assertEquals(
                    List.of("config key \"over\" is nested more than 100 levels deep; flatten it;"
                            + " the run goes on without it"),
                    run.problems());
            assertEquals(List.of("at_limit"), List.copyOf(stored(run).config().keySet()));
        }
    }

    @Test
    void aFiveThousandLevelPojoIsDroppedInsteadOfOverflowingTheStack() {
        Map<String, Object> shallow = Map.of("epochs", 3);
        try (Run run = Keel.init(
                TestRuns.options(home).config(shallow).config(nestedPojo(5000)).build())) {
            assertEquals(
                    List.of("config key \"child\" is nested more than 100 levels deep; flatten it;"
                            + " the run goes on without it"),
                    run.problems());
            assertEquals(Map.of("epochs", 3L, "level", 0L), stored(run).config());
        }
    }

    @Test
    void aFiveThousandLevelYamlFileIsLeftOutWithAProblemNamingIt() throws Exception {
        Path yaml = home.resolve("deep.yaml");
        Files.writeString(yaml, "deep: " + "{a: ".repeat(5000) + "1" + "}".repeat(5000) + "\n");
        try (Run run = Keel.init(TestRuns.options(home)
                .config(Map.of("epochs", 3))
                .configFile(yaml)
                .build())) {
            assertEquals(
                    List.of("config file " + yaml + " is nested more than 100 levels deep; flatten it;"
                            + " the run goes on without it"),
                    run.problems());
            assertEquals(Map.of("epochs", 3L), stored(run).config());
        }
    }

    @Test
    void aYamlFileAtTheDepthLimitIsKept() throws Exception {
        Path yaml = home.resolve("deep.yaml");
        Files.writeString(yaml, "deep: " + "{a: ".repeat(100) + "1" + "}".repeat(100) + "\n");
        try (Run run = Keel.init(TestRuns.options(home).configFile(yaml).build())) {
            assertEquals(List.of(), run.problems());
            assertTrue(stored(run).config().containsKey("deep"));
        }
    }

    @Test
    void aFiveThousandPartOverrideIsDroppedInsteadOfOverflowingTheStack() {
        String deepKey = String.join(".", Collections.nCopies(5000, "a"));
        try (Run run = Keel.init(TestRuns.options(home)
                .config(Map.of("epochs", 3))
                .override(deepKey + "=1")
                .override("lr=0.1")
                .build())) {
            assertEquals(
                    List.of("config override \"a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.…\" is nested more than 100"
                            + " levels deep; flatten it; the run goes on without it"),
                    run.problems());
            assertEquals(Map.of("epochs", 3L, "lr", 0.1), stored(run).config());
        }
    }

    @Test
    void summaryValuesFollowTheSameRules() {
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            run.summary().put("deep", nestedMap(5000));
            run.summary().put("text", "t".repeat(2 * 1024 * 1024));
            run.summary().put("best", 0.5);
            run.flush();
            assertEquals(Map.of("best", 0.5), stored(run).summary());
            assertTrue(
                    run.problems()
                            .contains("summary key 'deep' is nested more than 100 levels deep; flatten it;"
                                    + " the run goes on without it"),
                    run.problems().toString());
            assertTrue(
                    run.problems()
                            .contains("summary key 'text' holds a value of 2,097,152 characters, more than"
                                    + " the limit of 1,048,576; the run goes on without it"),
                    run.problems().toString());
        }
        try (Run run = Keel.init(TestRuns.options(home).strict(true).build())) {
            IllegalArgumentException deep = assertThrows(
                    IllegalArgumentException.class, () -> run.summary().put("deep", nestedMap(5000)));
            assertEquals("summary key 'deep' is nested more than 100 levels deep; flatten it", deep.getMessage());
            IllegalArgumentException big = assertThrows(
                    IllegalArgumentException.class, () -> run.summary().put("text", "t".repeat(2 * 1024 * 1024)));
            assertEquals(
                    "summary key 'text' holds a value of 2,097,152 characters, more than the limit of 1,048,576",
                    big.getMessage());
        }
    }

    @Test
    void tagsAndNotesOverTheLimitsAreLeftOutWithAProblem() {
        String longTag = "t".repeat(300);
        String hugeNotes = "n".repeat((1 << 20) + 1);
        try (Run run = Keel.init(
                TestRuns.options(home).tags("ok", longTag).notes(hugeNotes).build())) {
            run.tags("fine", "u".repeat(251));
            run.notes("short notes");
            run.notes(hugeNotes);
            String tagProblem = "tag \"" + "t".repeat(40) + "…\" (300 characters) is longer than the limit of 250;"
                    + " the run goes on without it";
            String notesProblem = "notes of 1,048,577 characters are longer than the limit of 1,048,576;"
                    + " the run goes on without them";
            assertEquals(
                    List.of(
                            tagProblem,
                            notesProblem,
                            "tag \"" + "u".repeat(40) + "…\" (251 characters) is longer"
                                    + " than the limit of 250; the run goes on without it",
                            notesProblem),
                    run.problems());
            RunInfo info = stored(run);
            assertEquals(List.of("ok", "fine"), info.tags());
            assertEquals("short notes", info.notes());
        }
    }

    @Test
    void aRunNameOverTheLimitIsReplacedByAFriendlyOne() {
        try (Run run = Keel.init(TestRuns.options(home).name("r".repeat(251)).build())) {
            assertEquals(
                    List.of("run name \"" + "r".repeat(40) + "…\" (251 characters) is longer than the limit of 250;"
                            + " the run is named for you instead"),
                    run.problems());
            assertTrue(run.name().length() <= 250 && !run.name().startsWith("rrr"), run.name());
            assertEquals(run.name(), stored(run).name());
        }
    }
}
