package dev.keel.cli.reproduce;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The verdicts of {@link MetricComparison}, over a real SQLite store. */
class MetricComparisonTest {
    @TempDir
    Path home;

    Store store;

    @BeforeEach
    void open() {
        store = Stores.open(new KeelHome(home).ensureExists().storeLocation());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void run(String id, Map<String, double[]> series) {
        store.createRun(
                new RunInfo(
                        id,
                        "p",
                        id,
                        "",
                        "me",
                        List.of(),
                        "",
                        RunState.FINISHED,
                        1,
                        1,
                        1,
                        0,
                        "",
                        "h",
                        1,
                        Map.of(),
                        Map.of()),
                Map.of());
        WriteBatch b = new WriteBatch();
        series.forEach((key, values) -> {
            for (int step = 0; step < values.length; step++) {
                b.metrics.add(key, step, 1, values[step]);
            }
        });
        b.metrics.add("system/cpu", 0, 1, Math.random()); // never compared
        store.apply(id, b);
    }

    @Test
    void bitwiseEqualHistoriesAreIdentical() {
        run("aaaaaaaa", Map.of("loss", new double[] {1, 0.5, Double.NaN}, "acc", new double[] {0.1, 0.2, 0.3}));
        run("bbbbbbbb", Map.of("loss", new double[] {1, 0.5, Double.NaN}, "acc", new double[] {0.1, 0.2, 0.3}));
        MetricComparison.Verdict v = MetricComparison.compare(store, "aaaaaaaa", "bbbbbbbb", Long.MAX_VALUE, null);
        assertEquals(MetricComparison.Kind.IDENTICAL, v.kind());
        assertEquals(6, v.points());
    }

    @Test
    void timingMetricsAreNamedButLeftOutOfTheVerdict() {
        run("aaaaaaaa", Map.of("loss", new double[] {1, 0.5}, "epoch_time_s", new double[] {107.5, 98.1}));
        run("bbbbbbbb", Map.of("loss", new double[] {1, 0.5}, "epoch_time_s", new double[] {104.0, 99.7}));
        MetricComparison.Verdict v = MetricComparison.compare(store, "aaaaaaaa", "bbbbbbbb", Long.MAX_VALUE, null);
        assertEquals(MetricComparison.Kind.IDENTICAL, v.kind());
        assertEquals(2, v.points());
        assertEquals(List.of("epoch_time_s"), v.notCompared());
        assertEquals(
                "identical: all 2 metric points are bitwise equal (timing metrics not compared: epoch_time_s)",
                v.text("aaaaaaaa", "bbbbbbbb"));
        for (String timing : List.of("epoch_time_s", "train/step_duration_ms", "samples_per_s", "elapsed", "time")) {
            assertEquals(true, MetricComparison.isTiming(timing), timing);
        }
        for (String result : List.of("loss", "val_accuracy", "lr", "runtime_errors", "timeline_loss")) {
            assertEquals(false, MetricComparison.isTiming(result), result);
        }
    }

    @Test
    void theFirstDifferingStepIsNamedWithBothValuesAndTheEarliestMetricWins() {
        run("aaaaaaaa", Map.of("loss", new double[] {1, 0.5, 0.25, 0.1}, "acc", new double[] {0.1, 0.2, 0.3, 0.4}));
        run("bbbbbbbb", Map.of("loss", new double[] {1, 0.5, 0.26, 0.1}, "acc", new double[] {0.1, 0.2, 0.3, 0.5}));
        MetricComparison.Verdict v = MetricComparison.compare(store, "aaaaaaaa", "bbbbbbbb", Long.MAX_VALUE, null);
        assertEquals("diverged at step 2: loss = 0.25 in aaaaaaaa, 0.26 in bbbbbbbb", v.text("aaaaaaaa", "bbbbbbbb"));
        assertEquals(
                MetricComparison.Kind.IDENTICAL,
                MetricComparison.compare(store, "aaaaaaaa", "bbbbbbbb", 1, null).kind(),
                "--steps 1 compares steps 0 and 1 only");
    }

    @Test
    void smallDifferencesAreWithinToleranceOnlyWhenAskedAndLargeOnesStillDiverge() {
        run("aaaaaaaa", Map.of("loss", new double[] {1.0, 0.5}));
        run("bbbbbbbb", Map.of("loss", new double[] {1.0 + 1e-9, 0.5}));
        assertEquals(
                MetricComparison.Kind.DIVERGED,
                MetricComparison.compare(store, "aaaaaaaa", "bbbbbbbb", Long.MAX_VALUE, null)
                        .kind());
        MetricComparison.Verdict within = MetricComparison.compare(store, "aaaaaaaa", "bbbbbbbb", Long.MAX_VALUE, 1e-6);
        assertEquals(MetricComparison.Kind.WITHIN_TOLERANCE, within.kind());
        assertEquals(
                MetricComparison.Kind.DIVERGED,
                MetricComparison.compare(store, "aaaaaaaa", "bbbbbbbb", Long.MAX_VALUE, 1e-12)
                        .kind());
    }

    @Test
    void aPointOneRunLacksIsADivergenceAtItsStep() {
        run("aaaaaaaa", Map.of("loss", new double[] {1, 0.5, 0.25}));
        run("bbbbbbbb", Map.of("loss", new double[] {1, 0.5}));
        assertEquals(
                "diverged at step 2: loss = 0.25 in aaaaaaaa, no point in bbbbbbbb",
                MetricComparison.compare(store, "aaaaaaaa", "bbbbbbbb", Long.MAX_VALUE, 1e-3)
                        .text("aaaaaaaa", "bbbbbbbb"));
    }
}
