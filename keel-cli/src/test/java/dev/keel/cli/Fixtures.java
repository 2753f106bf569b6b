package dev.keel.cli;

import dev.keel.core.ConsoleLine;
import dev.keel.core.KeelHome;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real SQLite store with three runs:
 * <ul>
 * <li>{@code aaaa1111} mnist, finished, lr 0.01, 64 layers, val_loss 0.30, notes with a comma and a quote,
 *     a loss history, console lines and a file;</li>
 * <li>{@code aaab2222} mnist, finished, lr 0.1, 32 layers, val_loss NaN;</li>
 * <li>{@code cccc3333} other, stored as running with no live process (reads as crashed), 128 layers,
 *     val_loss 0.25, val_accuracy +Infinity.</li>
 * </ul>
 */
final class Fixtures {
    static final long T0 = 1_764_000_000_000L;

    private Fixtures() {}

    static void seed(Path home) {
        try {
            // The crashed run's folder, as its vanished process left it: no one holds its lock.
            Files.createDirectories(new KeelHome(home).runDir("cccc3333"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            create(
                    store,
                    "aaaa1111",
                    "mnist",
                    "brave-otter-1",
                    RunState.FINISHED,
                    T0,
                    List.of("mlp", "baseline"),
                    "first try, \"quoted\"",
                    config(0.01, 64, "adam"),
                    summary(0.30, 0.89),
                    65_000);
            create(
                    store,
                    "aaab2222",
                    "mnist",
                    "calm-heron-2",
                    RunState.FINISHED,
                    T0 + 1000,
                    List.of("mlp"),
                    "",
                    config(0.1, 32, "sgd"),
                    summary(Double.NaN, 0.70),
                    30_000);
            create(
                    store,
                    "cccc3333",
                    "other",
                    "eager-lynx-1",
                    RunState.RUNNING,
                    T0 + 2000,
                    List.of(),
                    "",
                    config(0.001, 128, "adam"),
                    summary(0.25, Double.POSITIVE_INFINITY),
                    -1);

            WriteBatch b = new WriteBatch();
            for (int step = 0; step < 5; step++) {
                b.metrics.add("loss", step, T0 + step, 1.0 / (step + 1));
            }
            b.metrics.add("loss", 5, T0 + 5, Double.NEGATIVE_INFINITY);
            b.console.add(new ConsoleLine(0, T0, "out", "epoch 1 done"));
            b.console.add(new ConsoleLine(1, T0 + 1, "err", "warning: slow disk"));
            b.console.add(new ConsoleLine(2, T0 + 2, "out", "epoch 2 done"));
            b.files.add(new RunFile("model.txt", "sha256:" + "ab".repeat(32), 12, "file", T0));
            store.apply("aaaa1111", b);
        }
    }

    private static void create(
            Store store,
            String id,
            String project,
            String name,
            RunState state,
            long created,
            List<String> tags,
            String notes,
            Map<String, Object> config,
            Map<String, Object> summary,
            long runtimeMs) {
        long ended = state == RunState.RUNNING ? 0 : created + Math.max(0, runtimeMs);
        store.createRun(
                new RunInfo(
                        id,
                        project,
                        name,
                        "",
                        "ada",
                        tags,
                        notes,
                        RunState.RUNNING,
                        created,
                        created,
                        0,
                        0,
                        "",
                        "",
                        0,
                        config,
                        Map.of()),
                Map.of(
                        "git",
                        Map.of("commit", "deadbeef"),
                        "jvm",
                        "17",
                        "dependencies",
                        List.of(
                                "com.fasterxml.jackson.core:jackson-core:2.20.1",
                                "info.picocli:picocli:4.7.7",
                                "org.xerial:sqlite-jdbc:3.54.1.0")));
        WriteBatch b = new WriteBatch();
        b.summary.putAll(summary);
        b.heartbeatAt = created + 500;
        if (state != RunState.RUNNING) {
            b.state = state;
            b.endedAt = ended;
            b.runtimeMs = runtimeMs;
        }
        store.apply(id, b);
    }

    static Map<String, Object> config(double lr, int layers, String optimizer) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("lr", lr);
        c.put("layers", layers);
        c.put("optimizer", Map.of("name", optimizer));
        return c;
    }

    static Map<String, Object> summary(double valLoss, double valAccuracy) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("val_loss", valLoss);
        s.put("val_accuracy", valAccuracy);
        s.put("system/cpu_percent", 12.5);
        return s;
    }
}
