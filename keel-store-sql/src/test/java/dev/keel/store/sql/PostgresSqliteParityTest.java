package dev.keel.store.sql;

import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.filter.Field;
import dev.keel.core.filter.FilterParser;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same runs in both stores sort and filter the same way, including the corners the contract
 * suite does not spell out: values of mixed JSON types, letter case and accents (code point
 * order on both), booleans, and the "Infinity"/"NaN" strings.
 */
class PostgresSqliteParityTest {
    private static final List<Object> VALUES = Arrays.asList(
            3L,
            2.5,
            "b",
            "B",
            "a",
            "Infinity",
            "NaN",
            "-Infinity",
            true,
            false,
            null,
            "é",
            "Z",
            -7L,
            1e300,
            "10",
            List.of("a", 1L),
            Map.of("x", 1L));

    @TempDir
    Path dir;

    @Test
    void sortsAndFiltersAgreeWithSqlite() {
        try (Store sqlite = new SqliteStore(dir.resolve("keel.db"));
                Store pg = new PostgresStore(TestPostgres.freshStoreUrl())) {
            for (Store store : List.of(sqlite, pg)) {
                for (int i = 0; i <= VALUES.size(); i++) {
                    Map<String, Object> config = new HashMap<>();
                    if (i < VALUES.size()) {
                        config.put("v", VALUES.get(i)); // the last run has no v at all
                    }
                    String name =
                            List.of("alpha", "Beta", "gamma", "Émile", "delta").get(i % 5) + i;
                    store.createRun(
                            new RunInfo(
                                    "r" + i,
                                    "p",
                                    name,
                                    "",
                                    "",
                                    List.of(),
                                    "",
                                    RunState.FINISHED,
                                    1000 + i,
                                    0,
                                    0,
                                    0,
                                    "",
                                    "",
                                    0,
                                    config,
                                    Map.of()),
                            Map.of());
                }
            }
            List<String> checked = new ArrayList<>();
            for (String sort : List.of("config.v", "name")) {
                for (boolean descending : new boolean[] {false, true}) {
                    RunQuery q = new RunQuery("p", null, Field.parse(sort), descending, 0, 0);
                    assertEquals(ids(sqlite, q), ids(pg, q), sort + (descending ? " desc" : " asc"));
                    checked.add(sort);
                }
            }
            for (String filter : List.of(
                    "config.v > 1",
                    "config.v <= 3",
                    "config.v > 'B'",
                    "config.v = 'a'",
                    "config.v = null",
                    "config.v != null",
                    "config.v = true",
                    "config.v = 0",
                    "config.v < 0",
                    "config.v contains a",
                    "config.v contains 1",
                    "name > 'Z'",
                    "config.v in (3, 'b')")) {
                RunQuery q = new RunQuery("p", FilterParser.parse(filter), Field.parse("id"), false, 0, 0);
                assertEquals(ids(sqlite, q), ids(pg, q), filter);
                checked.add(filter);
            }
            assertEquals(17, checked.size());
        }
    }

    private static List<String> ids(Store store, RunQuery q) {
        return store.searchRuns(q).stream().map(RunInfo::id).toList();
    }
}
