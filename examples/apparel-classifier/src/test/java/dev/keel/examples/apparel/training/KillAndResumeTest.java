package dev.keel.examples.apparel.training;

import dev.keel.core.ConsoleLine;
import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.RunInput;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.data.Datasets;
import dev.keel.examples.apparel.datasets.FashionMnistVersions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes: RunExperiment is started as a child JVM on a small slice, killed with SIGKILL
 * mid-epoch once step checkpoints exist, and started again with {@code KEEL_RESUME} (what
 * {@code keel run resume} does). Its metrics, summary and final weights must equal, bit for bit,
 * those of an uninterrupted run with the same seed — also when the last checkpoint was damaged
 * and the resume had to fall back to the one before.
 */
class KillAndResumeTest {
    // 2,560 / 64 = 40 batches per epoch; checkpoints at steps 15, 30, 40 (end), 45, 60, 75, 80 (end)
    private static final List<String> ARGS = List.of(
            "epochs=2",
            "train_limit=2560",
            "validation_size=1000",
            "batch_size=64",
            "layers=[128]",
            "log_every=5",
            "checkpoint_every_steps=15",
            "keep_checkpoints=3",
            "seed=7");
    private static final Pattern CHECKPOINT =
            Pattern.compile("checkpoint: \\S+ \\(epoch (\\d+), batch (\\d+), step (\\d+)\\)");
    private static final List<String> METRICS =
            List.of("loss", "accuracy", "val_loss", "val_accuracy", "epoch", "batch_loss");
    private static final List<String> SUMMARY = List.of(
            "best_val_accuracy",
            "test_accuracy",
            "test_loss",
            "loss",
            "accuracy",
            "val_loss",
            "val_accuracy",
            "batch_loss",
            "epoch");

    @TempDir
    static Path tmp;

    private static Finished reference;

    /** What a child left: its run, and the bytes of its final weights. */
    record Finished(Path home, String runId, byte[] weights, List<String> output) {}

    @BeforeAll
    static void uninterrupted() throws Exception {
        Path dir = tmp.resolve("reference");
        TrainerProcess c = TrainerProcess.start(dir, ARGS, null);
        assertEquals(0, c.waitFor(), () -> "reference run failed: " + c.lines());
        reference = finished(dir, c.lines());
        System.out.println("reference run: " + line(c.lines(), l -> l.startsWith("test_accuracy")));
    }

    @Test
    void theRunsConsoleLogHoldsEveryLineTheProgramPrintedThroughItsStreamTakenBeforeInit() throws Exception {
        List<String> printed;
        synchronized (reference.output()) {
            printed = new ArrayList<>(reference.output());
        }
        List<String> mine = printed.stream()
                .filter(l -> l.startsWith("tracking:")
                        || l.startsWith("dataset:")
                        || l.startsWith("data:")
                        || l.startsWith("checkpoint:")
                        || l.startsWith("test_accuracy")
                        || l.startsWith("weights:")
                        || l.startsWith("epoch_times_s"))
                .toList();
        assertTrue(mine.size() >= 8, "the lines to look for: " + printed);
        try (Store store = Stores.open(new KeelHome(reference.home().resolve(".keel")).storeLocation())) {
            List<String> logged = store.console(reference.runId(), 0, 0).stream()
                    .filter(l -> l.stream().equals("out"))
                    .map(ConsoleLine::text)
                    .toList();
            assertEquals(mine, logged.stream().filter(mine::contains).toList(), "in the run's console log, in order");
        }
    }

    @Test
    void aRunKilledMidEpochAndResumedEndsExactlyLikeAnUninterruptedOne() throws Exception {
        Path dir = tmp.resolve("killed");
        String id = killAfterStep(dir, 45);
        // fashion-mnist:latest moves on meanwhile: the resumed run must keep training on v1
        FashionMnistVersions.relabel(new KeelHome(dir.resolve(".keel")), "fashion-mnist:v1", 100, 3);
        TrainerProcess resumed = TrainerProcess.start(dir, ARGS, Map.of("KEEL_RESUME", id));
        assertEquals(0, resumed.waitFor(), () -> "resumed run failed: " + resumed.lines());
        String from = line(resumed.lines(), l -> l.startsWith("resume: from "));
        assertTrue(
                from.matches("resume: from \\S+ \\(1 epochs done, then [1-9]\\d* batches; step \\d+\\)"),
                "resumed mid-epoch 2: " + from);
        line(resumed.lines(), l -> l.equals("dataset: fashion-mnist:v1, the version this run used before it stopped"));
        line(
                resumed.lines(),
                l -> l.matches("resume: metrics logged after step \\d+ by the stopped attempt are dropped"));
        assertSameAsReference(finished(dir, resumed.lines()));
    }

    @Test
    void aDamagedLastCheckpointFallsBackToThePreviousOneAndStillEndsExactly() throws Exception {
        Path dir = tmp.resolve("damaged");
        String id = killAfterStep(dir, 60);
        KeelHome home = new KeelHome(dir.resolve(".keel"));
        List<RunFile> ckpts;
        try (Store store = Stores.open(home.storeLocation())) {
            ckpts = new ArrayList<>(store.files(id).stream()
                    .filter(f -> f.name().startsWith("checkpoints/"))
                    .toList());
        }
        ckpts.sort(Comparator.comparing(RunFile::name));
        assertTrue(ckpts.size() >= 2, "checkpoints " + ckpts);
        RunFile last = ckpts.get(ckpts.size() - 1);
        RunFile previous = ckpts.get(ckpts.size() - 2);
        Path blob = new LocalBlobStore(home.blobs()).path(last.hash());
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-------"));
        byte[] b = Files.readAllBytes(blob);
        b[b.length / 2] ^= 0x01;
        Files.write(blob, b);

        TrainerProcess resumed = TrainerProcess.start(dir, ARGS, Map.of("KEEL_RESUME", id));
        assertEquals(0, resumed.waitFor(), () -> "resumed run failed: " + resumed.lines());
        String skipped = line(resumed.lines(), l -> l.startsWith("resume: skipped a damaged checkpoint: "));
        assertTrue(skipped.contains(last.name()), skipped);
        assertTrue(line(resumed.lines(), l -> l.startsWith("resume: from "))
                .startsWith("resume: from " + previous.name() + " "));
        System.out.println("damaged resume: " + skipped);
        Finished f = finished(dir, resumed.lines());
        try (Store store = Stores.open(home.storeLocation())) {
            assertEquals(previous.name(), store.run(id).orElseThrow().summary().get("resumed_from_checkpoint"));
        }
        assertSameAsReference(f);
    }

    /** Starts a run, SIGKILLs it right after it reports the checkpoint of {@code step}; returns its id. */
    private static String killAfterStep(Path dir, int step) throws Exception {
        TrainerProcess c = TrainerProcess.start(dir, ARGS, null);
        String seen = c.awaitLine(l -> {
            Matcher m = CHECKPOINT.matcher(l);
            return m.find() && Integer.parseInt(m.group(3)) >= step;
        });
        c.process().destroyForcibly(); // SIGKILL on Linux
        assertTrue(c.process().waitFor(30, TimeUnit.SECONDS));
        assertFalse(
                c.lines().stream().anyMatch(l -> l.startsWith("test_accuracy")), "killed before the end: " + c.lines());
        String id = runId(c.lines());
        try (Store store = Stores.open(new KeelHome(dir.resolve(".keel")).storeLocation())) {
            RunInfo run = store.run(id).orElseThrow();
            assertTrue(run.state() == RunState.RUNNING || run.state() == RunState.CRASHED, "state " + run.state());
        }
        assertTrue(seen.contains("batch "), seen);
        return id;
    }

    private void assertSameAsReference(Finished f) throws IOException {
        assertArrayEquals(reference.weights(), f.weights(), "final weights, bit for bit");
        try (Datasets data = Datasets.open(new KeelHome(f.home().resolve(".keel")))) {
            assertEquals(
                    List.of("fashion-mnist:v1"),
                    data.inputsOf(f.runId()).stream().map(RunInput::ref).toList(),
                    "both attempts trained on the version registered by the first");
        }
        try (Store ref = Stores.open(new KeelHome(reference.home().resolve(".keel")).storeLocation());
                Store got = Stores.open(new KeelHome(f.home().resolve(".keel")).storeLocation())) {
            RunInfo run = got.run(f.runId()).orElseThrow();
            assertEquals(RunState.FINISHED, run.state());
            for (String key : METRICS) {
                Map<Long, Double> expected = byStep(ref.history(reference.runId(), key));
                Map<Long, Double> actual = byStep(got.history(f.runId(), key));
                assertEquals(expected, actual, key + " at every step");
            }
            Map<String, Object> expectedSummary =
                    ref.run(reference.runId()).orElseThrow().summary();
            for (String key : SUMMARY) {
                assertEquals(expectedSummary.get(key), run.summary().get(key), "summary " + key);
            }
        }
    }

    /**
     * Values by step, bit-exact. Points the killed process logged after its last checkpoint are
     * logged again by the resumed one, which rewinds the run to its checkpoint first: every step
     * must be stored exactly once.
     */
    private static Map<Long, Double> byStep(MetricSeries s) {
        Map<Long, Double> out = new TreeMap<>();
        for (int i = 0; i < s.size(); i++) {
            Double before = out.put(s.steps()[i], s.values()[i]);
            assertEquals(null, before, s.key() + " stored twice at step " + s.steps()[i]);
        }
        assertFalse(out.isEmpty(), s.key() + " was logged");
        return out;
    }

    private static Finished finished(Path dir, List<String> lines) throws IOException {
        String id = runId(lines);
        Path weights;
        try (var files = Files.list(dir.resolve("artifacts").resolve(id))) {
            weights = files.filter(p -> p.getFileName().toString().endsWith("_weights.bin"))
                    .findFirst()
                    .orElseThrow();
        }
        return new Finished(dir, id, Files.readAllBytes(weights), lines);
    }

    private static String runId(List<String> lines) {
        Matcher m = Pattern.compile("tracking: run \\S+ \\((\\w+)\\)")
                .matcher(line(lines, l -> l.startsWith("tracking: run ")));
        assertTrue(m.find());
        return m.group(1);
    }

    private static String line(List<String> lines, Predicate<String> p) {
        synchronized (lines) {
            return lines.stream()
                    .filter(p)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no such line in " + lines));
        }
    }
}
