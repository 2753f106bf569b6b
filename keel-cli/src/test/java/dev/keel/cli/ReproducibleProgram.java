package dev.keel.cli;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * A training program for the reproduce tests: its loss depends on {@code scale.txt} in the folder
 * it starts in (tracked by git, so a dirty tree changes it) and, from step 3 on, on the thread count
 * {@code OMP_NUM_THREADS} names (a thread setting), from step 5 on, on the version of the library
 * {@code org.example:mathlib} on its class path, when there is one (a dependency), and on
 * {@code factor.txt} of the dataset {@code dataset.txt} names, when there is one. Deterministic
 * otherwise; it stops when asked.
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

    /** The version of org.example:mathlib as a number, 0 when it is not on the class path. */
    private static double mathlibVersion() throws Exception {
        try (InputStream in =
                ReproducibleProgram.class.getResourceAsStream("/META-INF/maven/org.example/mathlib/pom.properties")) {
            if (in == null) {
                return 0;
            }
            Properties p = new Properties();
            p.load(in);
            return Double.parseDouble(p.getProperty("version"));
        }
    }

    public static void main(String[] args) throws Exception {
        double scale = Double.parseDouble(Files.readString(Path.of("scale.txt")).strip());
        String threads = System.getenv("OMP_NUM_THREADS");
        int processors = threads == null ? 1 : Integer.parseInt(threads);
        double library = mathlibVersion();
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
                double loss =
                        scale / (step + 1) + (step >= 3 ? processors * 1e-3 : 0) + (step >= 5 ? library * 1e-4 : 0);
                run.log(Map.of("loss", loss, "accuracy", 1 - loss / 10), step);
            }
            awaitProvenance(run.id());
        }
    }
}
