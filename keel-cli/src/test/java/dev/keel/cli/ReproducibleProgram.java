package dev.keel.cli;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training program for the reproduce tests: its loss depends on {@code scale.txt} in the folder
 * it starts in (tracked by git, so a dirty tree changes it) and, from step 3 on, on the thread count
 * {@code OMP_NUM_THREADS} names (a thread setting), and on {@code factor.txt} of the dataset
 * {@code dataset.txt} names, when there is one. Deterministic otherwise; it stops when asked.
 */
public final class ReproducibleProgram {
    private ReproducibleProgram() {}

    /**
     * A run this short can end before its provenance capture does on a loaded machine, and then
     * keeps only a stand-in; the tests need the real one, so the program waits for it.
     */
    private static void awaitProvenance(String id) throws InterruptedException {
        try (Store store = Stores.open(KeelHome.resolve().storeLocation())) {
            long deadline = System.currentTimeMillis() + 120_000;
            while (!store.provenance(id).containsKey("jvm") && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        double scale = Double.parseDouble(Files.readString(Path.of("scale.txt")).strip());
        String threads = System.getenv("OMP_NUM_THREADS");
        int processors = threads == null ? 1 : Integer.parseInt(threads);
        try (Run run = Keel.init(RunOptions.builder()
                .project("reproducible")
                .config(Map.of("scale", scale))
                .systemMetrics(false)
                .build())) {
            if (Files.exists(Path.of("dataset.txt"))) { // a tracked file names the dataset reference
                Path data =
                        run.useDataset(Files.readString(Path.of("dataset.txt")).strip());
                scale *= Double.parseDouble(
                        Files.readString(data.resolve("factor.txt")).strip());
            }
            for (int step = 0; step < 10 && !run.shouldStop(); step++) {
                double loss = scale / (step + 1) + (step >= 3 ? processors * 1e-3 : 0);
                run.log(Map.of("loss", loss, "accuracy", 1 - loss / 10), step);
            }
            awaitProvenance(run.id());
        }
    }
}
