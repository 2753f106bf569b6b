package dev.keel.examples.apparel.training;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.data.RunInput;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.data.Datasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short experiment tracked into a real embedded store, read back through the Store API. */
class TrackedExperimentTest {
    @TempDir
    Path tmp;

    @Test
    void logsConfigDatasetMetricsSummaryAndWeights() throws Exception {
        Path home = tmp.resolve(".keel");
        ExperimentConfig config = ExperimentConfig.load(
                null, List.of("epochs=1", "layers=[32]", "train_limit=2000", "log_every=10", "project=tracked-test"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RunExperiment.Outcome o = RunExperiment.run(
                config, tmp.resolve("artifacts"), new PrintStream(console, true, StandardCharsets.UTF_8), home);
        assertTrue(Files.exists(o.weights()));
        try (Store store = Stores.open("sqlite:" + home.resolve("keel.db"))) {
            RunInfo run = store.run(o.runId()).orElseThrow();
            assertEquals(RunState.FINISHED, run.state());
            assertEquals("tracked-test", run.project());
            assertEquals(32L, ((Number) ((List<?>) run.config().get("layers")).get(0)).longValue());
            Map<?, ?> dataset = (Map<?, ?>) run.config().get("dataset");
            assertEquals(
                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
                    ((Map<?, ?>) dataset.get("sha256")).get("t10k-images-idx3-ubyte"));
            assertEquals(o.test().accuracy(), ((Number) run.summary().get("test_accuracy")).doubleValue());
            assertEquals(
                    o.epochs().get(0).valAccuracy(),
                    ((Number) run.summary().get("best_val_accuracy")).doubleValue(),
                    1e-6);
            assertTrue(
                    store.metricKeys(o.runId())
                            .containsAll(List.of(
                                    "batch_loss", "loss", "accuracy", "val_loss", "val_accuracy", "epoch_time_s")),
                    store.metricKeys(o.runId()).toString());
            // 2,000 images in batches of 64 = 32 batches: batch_loss at steps 10, 20, 30; epoch metrics at step 32
            assertEquals(3, store.history(o.runId(), "batch_loss").size());
            assertEquals(32L, store.history(o.runId(), "val_accuracy").steps()[0]);
            assertTrue(
                    store.files(o.runId()).stream().anyMatch(f -> f.name().startsWith("model")),
                    store.files(o.runId()).toString());
            // every tracked run adds a version laid out as weights/ is
            assertEquals(
                    List.of("apparel-classifier:v1"),
                    store.models().versionsOfRun(o.runId()).stream()
                            .map(v -> v.ref())
                            .toList());
            assertEquals(
                    List.of("ImageModel_FashionMnistDataset_weights.bin", "summary.json"),
                    store.models().versionsOfRun(o.runId()).get(0).files().stream()
                            .map(f -> f.path())
                            .toList());
        }
        String out = console.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("dataset: registered fashion-mnist:v1 ("), out);
        assertTrue(out.contains("dataset: fashion-mnist:v1 ("), out);
        try (Datasets data = Datasets.open(new KeelHome(home))) {
            assertEquals(
                    List.of(o.runId()),
                    data.usesOf("fashion-mnist:v1").stream()
                            .map(RunInput::runId)
                            .toList(),
                    "the run is listed with the version it trained on");
        }
    }
}
