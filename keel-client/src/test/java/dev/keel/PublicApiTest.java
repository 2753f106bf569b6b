package dev.keel;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SDK as a user writes it (DESIGN.md's example), and what a reader then sees. */
class PublicApiTest {
    @TempDir
    Path project;

    record Hyper(int epochs, double lr, List<Integer> layers) {}

    @Test
    void aTrainingLoopReadsWellAndLandsInTheStore() throws Exception {
        Path yaml = project.resolve("mlp.yaml");
        Files.writeString(yaml, "optimizer:\n  name: adam\n  beta1: 0.9\n");
        Path keel = project.resolve(".keel");

        long seed = Keel.seed(42);
        String id;
        try (Run run = Keel.init(RunOptions.builder()
                .project("apparel-classifier")
                .home(keel)
                .config(new Hyper(3, 0.01, List.of(128, 64)))
                .configFile(yaml)
                .override("epochs=2", "optimizer.lr=1e-3")
                .tags("mlp")
                .notes("baseline")
                .systemMetrics(false)
                .build())) {
            id = run.id();
            run.summary().define("val_loss", SummaryMode.MIN);
            Random random = new Random(seed);
            int epochs = ((Number) run.config().get("epochs")).intValue();
            for (int epoch = 0; epoch < epochs && !run.shouldStop(); epoch++) {
                for (int batch = 0; batch < 10; batch++) {
                    run.log(Map.of("loss", 1.0 / (epoch * 10 + batch + 1), "accuracy", random.nextDouble()));
                }
                run.log(Map.of("val_loss", epoch == 0 ? 0.37 : 0.41), run.step() - 1);
            }
            run.summary().put("test_accuracy", 0.889);
            assertTrue(run.problems().isEmpty(), run.problems().toString());
        }

        try (Store store = Stores.open(new KeelHome(keel).storeLocation())) {
            RunInfo info = store.run(id).orElseThrow();
            assertEquals("apparel-classifier", info.project());
            assertEquals(RunState.FINISHED, info.state());
            assertEquals(List.of("mlp"), info.tags());
            assertEquals("baseline", info.notes());
            assertEquals(2L, info.config().get("epochs"));
            assertEquals(
                    Map.of("name", "adam", "beta1", 0.9, "lr", 0.001),
                    info.config().get("optimizer"));
            assertEquals(List.of(128L, 64L), info.config().get("layers"));
            assertEquals(0.37, info.summary().get("val_loss"));
            assertEquals(0.889, info.summary().get("test_accuracy"));
            assertEquals(0.05, info.summary().get("loss"));
            assertEquals(20, store.history(id, "loss").size());
            assertEquals(List.of(42L), store.provenance(id).get("seeds"));
        }
    }
}
