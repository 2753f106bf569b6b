package dev.keel.store.sql;

import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.filter.Field;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A rough, throw-away measurement of the store's three performance targets; the real figures
 * come from bench/. Not a test: run it by hand with the test class path.
 * Argument: a scratch folder (its keel.db files are replaced). {@link PostgresRoughBench} runs the
 * same workloads on PostgreSQL.
 */
public final class StoreRoughBench {
    private StoreRoughBench() {}

    /** Makes a new, empty store for a named workload. */
    interface Stores {
        Store fresh(String name) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/rough-bench"));
        run(name -> {
            Path db = dir.resolve(name + ".db");
            for (String suffix : List.of("", "-wal", "-shm")) {
                Files.deleteIfExists(Path.of(db + suffix));
            }
            return new SqliteStore(db);
        });
    }

    static void run(Stores stores) throws Exception {
        ingestAndRead(stores.fresh("ingest"), 5, 2_000, 500);
        ingestAndRead(stores.fresh("ingest-small"), 5, 20, 5_000);
        search(stores.fresh("search"));
    }

    static void ingestAndRead(Store fresh, int keys, int perKey, int batches) throws Exception {
        try (Store store = fresh) {
            store.createRun(run("ingest", 0, Map.of(), Map.of()), Map.of());
            Random r = new Random(1);
            long total = 0;
            long start = System.nanoTime();
            for (int i = 0; i < batches; i++) {
                WriteBatch b = new WriteBatch();
                for (int k = 0; k < perKey; k++) {
                    long step = (long) i * perKey + k;
                    for (int m = 0; m < keys; m++) {
                        b.metrics.add("metric" + m, step, 1_700_000_000_000L + step, r.nextDouble());
                    }
                }
                b.logOffset = i + 1;
                store.apply("ingest", b);
                total += b.metrics.size();
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "ingest: %,d points in %.2f s = %,.0f points/s (batches of %,d points, %d keys)%n",
                    total, s, total / s, keys * perKey, keys);
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                int n = store.history("ingest", "metric0").size();
                System.out.printf("history: %,d points in %.1f ms%n", n, (System.nanoTime() - t0) / 1e6);
            }
        }
    }

    static void search(Store fresh) throws Exception {
        try (Store store = fresh) {
            Random r = new Random(2);
            long t0 = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                Map<String, Object> config = new LinkedHashMap<>();
                for (int c = 0; c < 20; c++) {
                    config.put("param_" + c, c % 3 == 0 ? "value-" + r.nextInt(10) : r.nextInt(1000));
                }
                Map<String, Object> summary = new LinkedHashMap<>();
                for (int m = 0; m < 10; m++) {
                    summary.put("metric_" + m, r.nextDouble());
                }
                store.createRun(run(String.format("r%07d", i), i, config, summary), Map.of());
            }
            System.out.printf("search: created 10,000 runs in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            for (int limit : new int[] {0, 50}) {
                RunQuery q = new RunQuery("bench", null, Field.parse("metric_3"), true, limit, 0);
                long[] ns = new long[20];
                int n = 0;
                for (int rep = 0; rep < ns.length; rep++) {
                    long s = System.nanoTime();
                    n = store.searchRuns(q).size();
                    ns[rep] = System.nanoTime() - s;
                }
                Arrays.sort(ns);
                System.out.printf(
                        "search sorted by a summary metric, limit %d: %,d runs, min %.1f ms, median %.1f ms%n",
                        limit, n, ns[0] / 1e6, ns[ns.length / 2] / 1e6);
            }
        }
    }

    static RunInfo run(String id, long created, Map<String, Object> config, Map<String, Object> summary) {
        return new RunInfo(
                id,
                "bench",
                id,
                "",
                "u",
                List.of("t"),
                "",
                RunState.FINISHED,
                created,
                created,
                created,
                1000,
                "",
                "h",
                1,
                config,
                summary);
    }
}
