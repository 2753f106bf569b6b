package dev.keel.server.ui;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Keel folder with what the drift panel reads: model {@code apparel} (v1, v2) of project
 * {@code vision}, {@code production} on v1, and serving runs as {@code keel serve} logs them
 * (config {@code job_type: serve}, per interval {@code serve/version} and the two PSIs), made
 * in this order:
 *
 * <ul>
 *   <li>{@link #promoted}: served v1 (PSI 0.02/0.01, then 0.04/0.03), then v2 (0.5/0.4)</li>
 *   <li>{@link #v2only}: served v2 only</li>
 *   <li>{@link #elsewhere}: a serving run of project {@code other} that names {@code apparel}</li>
 *   <li>{@link #quiet}: served v1 with too few answers for PSI (no PSI points)</li>
 *   <li>{@link #drifting}: served v1, PSI 0.05/0.02, then 0.31/0.12 (the newest)</li>
 * </ul>
 *
 * So v1's serving runs, recent first, are drifting (drifted), quiet (no data), promoted (stable).
 */
final class ServingRuns {
    String promoted;
    String v2only;
    String elsewhere;
    String quiet;
    String drifting;

    static ServingRuns seed(Path home) throws IOException {
        ServingRuns s = new ServingRuns();
        for (int v = 1; v <= 2; v++) {
            Path weights = home.resolve("weights-" + v + ".bin");
            Files.writeString(weights, "weights " + v);
            try (Run run = Keel.init(RunOptions.builder()
                    .home(home)
                    .project("vision")
                    .systemMetrics(false)
                    .captureConsole(false)
                    .build())) {
                run.summary().put("test_accuracy", 0.9);
                run.registerModel("apparel", weights);
            }
        }
        KeelHome h = new KeelHome(home);
        try (Store store = Stores.open(h.storeLocation())) {
            new ModelRegistry(store, new LocalBlobStore(h.blobs()), null).alias("apparel@production", "1", null, "ana");
        }
        try (Run run = serving(home, "vision", "apparel@production")) {
            interval(run, 1, 0.02, 0.01);
            interval(run, 1, 0.04, 0.03);
            interval(run, 2, 0.5, 0.4);
            s.promoted = run.id();
        }
        try (Run run = serving(home, "vision", "apparel:v2")) {
            interval(run, 2, 0.01, 0.01);
            s.v2only = run.id();
        }
        try (Run run = serving(home, "other", "apparel@production")) {
            interval(run, 1, 0.9, 0.9);
            s.elsewhere = run.id();
        }
        try (Run run = serving(home, "vision", "apparel@production")) {
            run.log(Map.of("serve/version", 1, "serve/requests_per_s", 0.5));
            s.quiet = run.id();
        }
        try (Run run = serving(home, "vision", "apparel@production")) {
            interval(run, 1, 0.05, 0.02);
            interval(run, 1, 0.31, 0.12);
            s.drifting = run.id();
        }
        return s;
    }

    private static Run serving(Path home, String project, String ref) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("job_type", "serve");
        config.put("model", ref);
        config.put("model_name", "apparel");
        return Keel.init(RunOptions.builder()
                .home(home)
                .project(project)
                .tags("serve")
                .config(config)
                .systemMetrics(false)
                .captureConsole(false)
                .build());
    }

    /** One monitor interval as keel serve's monitor logs it: the version and both PSIs in one step. */
    private static void interval(Run run, int version, double psiInput, double psiClasses) {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("serve/version", version);
        m.put("serve/requests_per_s", 40.0);
        m.put("serve/drift_psi_input_mean", psiInput);
        m.put("serve/drift_psi_class", psiClasses);
        run.log(m);
    }
}
