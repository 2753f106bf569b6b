package dev.keel.store.sql;

import dev.keel.core.store.LoggedModel;
import dev.keel.core.store.LoggedModelMetric;
import dev.keel.core.store.MlflowModelStore;
import dev.keel.core.store.Store;
import dev.keel.testing.TestPostgres;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metric points of MLflow 3 logged models (schema 12) on SQLite and PostgreSQL. */
class LoggedModelMetricsStoreTest {
    @TempDir
    Path dir;

    private Store open(String kind) {
        return kind.equals("sqlite")
                ? new SqliteStore(dir.resolve("keel.db"))
                : new PostgresStore(TestPostgres.freshStoreUrl());
    }

    private static LoggedModel model(String id) {
        return new LoggedModel(
                id, 0, "model", "run00001", "", "LOGGED_MODEL_PENDING", "", "active", "ana", 1, 1, Map.of(), Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void pointsComeBackAsLoggedOncePerKeyStepTimeRunAndDataset(String kind) {
        try (Store store = open(kind)) {
            MlflowModelStore m = store.mlflowModels().orElseThrow();
            String a = "m-" + "a".repeat(32);
            String b = "m-" + "b".repeat(32);
            m.createLoggedModel(model(a));
            m.createLoggedModel(model(b));
            m.logLoggedModelMetrics(List.of(
                    new LoggedModelMetric(a, "acc", 0.8, 1000, 0, "run00001", "iris", "abc"),
                    new LoggedModelMetric(a, "loss", Double.NaN, 1000, 0, "run00001", null, null),
                    new LoggedModelMetric(b, "acc", Double.POSITIVE_INFINITY, 1000, 3, "run00001", "", "")));
            // logged again: the first value stays
            m.logLoggedModelMetrics(List.of(new LoggedModelMetric(a, "acc", 0.1, 1000, 0, "run00001", "iris", "abc")));

            Map<String, List<LoggedModelMetric>> got = m.loggedModelMetrics(List.of(a, b, "m-none"));
            assertEquals(2, got.size());
            assertEquals(
                    List.of(
                            new LoggedModelMetric(a, "acc", 0.8, 1000, 0, "run00001", "iris", "abc"),
                            new LoggedModelMetric(a, "loss", Double.NaN, 1000, 0, "run00001", "", "")),
                    got.get(a));
            assertTrue(Double.isInfinite(got.get(b).get(0).value()));
            assertEquals(3, got.get(b).get(0).step());
            assertEquals(Map.of(), m.loggedModelMetrics(List.of()));
        }
    }
}
