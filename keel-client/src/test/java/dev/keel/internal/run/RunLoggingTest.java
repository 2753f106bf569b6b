package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.SummaryMode;
import dev.keel.core.Ids;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.liveness.Hosts;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLoggingTest {
    @TempDir
    Path home;

    @Test
    void autoStepsCountFromZeroAndContinueAfterTheHighestExplicitStep() {
        String id;
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            id = run.id();
            run.log(Map.of("loss", 1.0));
            run.log(Map.of("loss", 0.9));
            run.log(Map.of("loss", 0.5), 10);
            run.log(Map.of("loss", 0.7), 4);
            assertEquals(11, run.step());
            run.log(Map.of("loss", 0.4));
        }
        try (Store store = TestRuns.reader(home)) {
            MetricSeries s = store.history(id, "loss");
            assertArrayEquals(new long[] {0, 1, 4, 10, 11}, s.steps());
            assertArrayEquals(new double[] {1.0, 0.9, 0.7, 0.5, 0.4}, s.values());
            RunInfo info = store.run(id).orElseThrow();
            assertEquals(RunState.FINISHED, info.state());
            assertTrue(info.endedAt() >= info.createdAt());
        }
    }

    @Test
    void summaryFollowsModesAndUserValuesAndKeepsNonFiniteValues() {
        String id;
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            id = run.id();
            run.summary()
                    .define("val_loss", SummaryMode.MIN)
                    .define("acc", SummaryMode.MAX)
                    .define("lr", SummaryMode.MEAN);
            double[] losses = {0.5, 0.3, Double.NaN, 0.4};
            for (int i = 0; i < losses.length; i++) {
                run.log(Map.of("val_loss", losses[i], "acc", 0.1 * i, "lr", i, "last", -i));
            }
            run.log(Map.of("inf", Double.POSITIVE_INFINITY, "ninf", Double.NEGATIVE_INFINITY, "nan", Double.NaN));
            run.summary().put("test_accuracy", 0.889).put("notes", Map.of("k", List.of(1, "x")));
            run.flush();
            assertEquals(0.3, run.summary().get("val_loss"));
            assertEquals(0.889, run.summary().get("test_accuracy"));
        }
        try (Store store = TestRuns.reader(home)) {
            Map<String, Object> s = store.run(id).orElseThrow().summary();
            assertEquals(0.3, s.get("val_loss"));
            assertEquals(0.30000000000000004, s.get("acc"));
            assertEquals(1.5, s.get("lr"));
            assertEquals(-3.0, s.get("last"));
            assertEquals(0.889, s.get("test_accuracy"));
            assertEquals(Map.of("k", List.of(1L, "x")), s.get("notes"));
            MetricSeries nan = store.history(id, "nan");
            assertTrue(Double.isNaN(nan.values()[0]));
            assertEquals(Double.POSITIVE_INFINITY, store.history(id, "inf").values()[0]);
            assertEquals(Double.NEGATIVE_INFINITY, store.history(id, "ninf").values()[0]);
            Object inf = s.get("inf");
            assertTrue(inf.equals(Double.POSITIVE_INFINITY) || inf.equals("Infinity"), String.valueOf(inf));
        }
    }

    @Test
    void invalidNamesAndValuesAreSkippedWithOneWarningNamingTheKey() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String id;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            id = run.id();
            Map<String, Object> bad = new LinkedHashMap<>();
            bad.put("", 1.0);
            bad.put("x".repeat(251), 2.0);
            bad.put("tab\there", 3.0);
            bad.put("nothing", null);
            bad.put("text", "0.5");
            bad.put("ok", 4.0);
            @SuppressWarnings("unchecked")
            Map<String, Number> asNumbers = (Map<String, Number>) (Map<?, ?>) bad;
            run.log(asNumbers);
            run.log(asNumbers);
        } finally {
            System.setErr(saved);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("metric '' skipped: the name is empty"), text);
        assertTrue(text.contains("skipped: the name has 251 characters, more than 250"), text);
        assertTrue(text.contains("metric 'tab\\u0009here' skipped: the name holds a control character (U+0009)"), text);
        assertTrue(text.contains("metric 'nothing' skipped: the value is null"), text);
        assertTrue(text.contains("metric 'text' skipped: the value is a java.lang.String, not a number"), text);
        assertEquals(1, text.split("'nothing' skipped", -1).length - 1, "warned once per key");
        try (Store store = TestRuns.reader(home)) {
            assertEquals(List.of("ok"), store.metricKeys(id));
            assertEquals(2, store.history(id, "ok").size());
        }
    }

    @Test
    void strictModeThrowsNamingTheKey() {
        try (Run run = Keel.init(TestRuns.options(home).strict(true).build())) {
            Map<String, Double> bad = new HashMap<>();
            bad.put("bad\nname", 1.0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.log(bad));
            assertTrue(
                    e.getMessage().startsWith("metric 'bad\\u000aname' skipped: the name holds a control character"),
                    e.getMessage());
        }
    }

    @Test
    void manyThreadsLoggingAtOnceLoseNoPoint() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        String id;
        try (Run run = Keel.init(TestRuns.options(home).queueCapacity(64).build())) {
            id = run.id();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String key = "t" + t;
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        run.log(Map.of(key, (double) i, "shared", 1.0), i);
                    }
                });
                th.start();
                ts.add(th);
            }
            start.countDown();
            for (Thread th : ts) {
                th.join();
            }
        }
        try (Store store = TestRuns.reader(home)) {
            for (int t = 0; t < threads; t++) {
                MetricSeries s = store.history(id, "t" + t);
                assertEquals(perThread, s.size());
                for (int i = 0; i < perThread; i++) {
                    assertEquals(i, s.steps()[i]);
                    assertEquals(i, s.values()[i]);
                }
            }
            assertEquals((long) threads * perThread, store.history(id, "shared").size());
        }
    }

    @Test
    void runIdentityNotesTagsAndFilesAreStored() throws Exception {
        Path file = home.resolve("../weights-" + System.nanoTime() + ".bin").normalize();
        Files.write(file, new byte[] {1, 2, 3});
        Path folder = Files.createTempDirectory(home, "artifact");
        Files.writeString(folder.resolve("a.txt"), "alpha");
        Files.createDirectories(folder.resolve("sub"));
        Files.writeString(folder.resolve("sub/b.txt"), "beta");
        String id;
        String fileHash;
        try (Run run = Keel.init(TestRuns.options(home)
                .name("my-run")
                .group("g1")
                .user("ada")
                .tags("mlp")
                .notes("first")
                .build())) {
            id = run.id();
            assertTrue(Ids.isRunId(id), id);
            assertEquals("my-run", run.name());
            run.notes("changed");
            run.tags("baseline");
            fileHash = run.saveFile(file);
            assertNotNull(run.logArtifact("model", folder));
        } finally {
            Files.deleteIfExists(file);
        }
        try (Store store = TestRuns.reader(home)) {
            RunInfo info = store.run(id).orElseThrow();
            assertEquals("my-run", info.name());
            assertEquals("g1", info.group());
            assertEquals("ada", info.user());
            assertEquals("changed", info.notes());
            assertEquals(List.of("mlp", "baseline"), info.tags());
            assertEquals(Hosts.name(), info.host());
            assertEquals(ProcessHandle.current().pid(), info.pid());
            Map<String, RunFile> files = new HashMap<>();
            store.files(id).forEach(f -> files.put(f.name(), f));
            assertEquals(fileHash, files.get(file.getFileName().toString()).hash());
            assertEquals(3, files.get(file.getFileName().toString()).size());
            assertEquals("artifact", files.get("model/sub/b.txt").kind());
            LocalBlobStore blobs = new LocalBlobStore(home.resolve("blobs"));
            try (var in = blobs.open(files.get("model/a.txt").hash())) {
                assertEquals("alpha", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertFalse(store.provenance(id).isEmpty());
        }
    }

    @Test
    void generatedNamesCountTheProjectsRuns() {
        try (Run a = Keel.init(TestRuns.options(home).project("names").build())) {
            assertTrue(a.name().matches("[a-z]+-[a-z]+-1"), a.name());
        }
        try (Run b = Keel.init(TestRuns.options(home).project("names").build())) {
            assertTrue(b.name().matches("[a-z]+-[a-z]+-2"), b.name());
        }
    }

    @Test
    void configOfAnyJsonLikeShapeRoundTripsExactlyThroughTheStore() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("epochs", 3L);
        config.put("lr", 1e-3);
        config.put("nan", Double.NaN);
        config.put("layers", List.of(64L, 32L, List.of()));
        config.put("optimizer", Map.of("name", "adam", "betas", List.of(0.9, 0.999), "nested", Map.of("x", true)));
        List<Object> withNull = new ArrayList<>();
        withNull.add(null);
        withNull.add("ünï ✓ \"quoted\"");
        config.put("misc", withNull);
        config.put("empty", Map.of());
        String id;
        Map<String, Object> resolved;
        try (Run run = Keel.init(
                TestRuns.options(home).config(config).override("extra.depth=4").build())) {
            id = run.id();
            resolved = run.config();
        }
        try (Store store = TestRuns.reader(home)) {
            Map<String, Object> stored = store.run(id).orElseThrow().config();
            Map<String, Object> expected = new LinkedHashMap<>(config);
            expected.put("extra", Map.of("depth", 4L));
            expected.remove("nan");
            Map<String, Object> storedNoNan = new LinkedHashMap<>(stored);
            Object nan = storedNoNan.remove("nan");
            assertEquals(expected, storedNoNan);
            assertTrue(nan instanceof Double d && d.isNaN() || "NaN".equals(nan), String.valueOf(nan));
            assertEquals(resolved.keySet(), stored.keySet());
        }
    }

    @Test
    void failMarksTheRunFailed() {
        String id;
        Run run = Keel.init(TestRuns.options(home).build());
        id = run.id();
        run.fail(new IllegalStateException("diverged"));
        run.close();
        try (Store store = TestRuns.reader(home)) {
            assertEquals(RunState.FAILED, store.run(id).orElseThrow().state());
        }
    }

    @Test
    void loggingAfterCloseIsReportedNotSilentlyLost() {
        Run run = Keel.init(TestRuns.options(home).build());
        run.close();
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            run.log(Map.of("late", 1.0));
        } finally {
            System.setErr(saved);
        }
        assertTrue(
                err.toString(StandardCharsets.UTF_8).contains("was not recorded: the run has ended"), err.toString());
        assertEquals(List.of("1 metric points not stored: the run has ended"), run.problems());
    }
}
