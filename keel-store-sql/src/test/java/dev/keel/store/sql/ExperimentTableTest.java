package dev.keel.store.sql;

import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Experiment;
import dev.keel.core.store.ExperimentStore;
import dev.keel.core.store.Store;
import dev.keel.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MLflow's experiment table (schema 3) behaves the same on SQLite and on a real PostgreSQL. */
class ExperimentTableTest {
    @TempDir
    Path dir;

    @Test
    void sqlite() {
        try (Store store = new SqliteStore(dir.resolve("keel.db"))) {
            exercise(store);
        }
    }

    @Test
    void postgres() {
        try (Store store = new PostgresStore(TestPostgres.freshStoreUrl())) {
            exercise(store);
        }
    }

    private static void exercise(Store store) {
        ExperimentStore t = store.experiments().orElseThrow();
        Experiment dflt = t.create("Default", "Default", "", Map.of(), 5, true);
        assertEquals(0, dflt.id());
        Experiment a = t.create("a", "a", "", Map.of("k", "v"), 10, true); // row 0 taken: next id
        assertEquals(1, a.id());
        Experiment b = t.create("b", "b", "s3://bucket/b", Map.of(), 11, false);
        assertEquals(2, b.id());
        assertEquals("s3://bucket/b", t.byName("b").orElseThrow().artifactLocation());
        KeelException dup = assertThrows(KeelException.class, () -> t.create("a", "other", "", Map.of(), 12, false));
        assertEquals(KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS, dup.code());

        String run = Ids.newRunId();
        store.createRun(
                new RunInfo(
                        run,
                        "a",
                        "r",
                        "",
                        "u",
                        List.of(),
                        "",
                        RunState.RUNNING,
                        1,
                        1,
                        0,
                        0,
                        "",
                        "h",
                        1,
                        Map.of(),
                        Map.of()),
                Map.of());
        // the experiment's project is renamed with it: its runs move, and the old name is free
        t.rename(1, "a2", 20);
        assertEquals("a2", t.byName("a2").orElseThrow().project());
        assertEquals("a2", store.run(run).orElseThrow().project());
        assertEquals(
                List.of("a2"),
                store.projects().stream()
                        .map(p -> p.name())
                        .filter(n -> n.startsWith("a"))
                        .toList());
        assertTrue(t.byProject("a").isEmpty());
        assertEquals(20, t.byId(1).orElseThrow().lastUpdateTime());
        assertThrows(KeelException.class, () -> t.rename(1, "b", 21));
        t.setTag(1, "k2", "v2", 22);
        assertEquals(
                Map.of("k", "v", "k2", "v2"), t.byProject("a2").orElseThrow().tags());
        t.setTag(1, "k", null, 22);
        assertEquals(Map.of("k2", "v2"), t.byId(1).orElseThrow().tags());
        assertEquals(3, t.create("a", "a", "", Map.of(), 24, false).id(), "the old name makes a new experiment");
        t.setLifecycleStage(2, "deleted", 23);
        assertTrue(!t.byId(2).orElseThrow().active());
        assertEquals(
                List.of(0L, 1L, 2L, 3L), t.all().stream().map(Experiment::id).toList());
    }
}
