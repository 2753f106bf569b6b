package dev.keel.store.sql;

import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.testing.TestPostgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@link StoreRoughBench}'s workloads on PostgreSQL, plus eight runs ingesting at once (what a
 * server sees). A throw-away measurement, not a test: run it by hand with the test class path.
 * Starts its own embedded server with PostgreSQL's default durability (fsync and synchronous
 * commit on), unlike the tests' server.
 */
public final class PostgresRoughBench {
    private PostgresRoughBench() {}

    public static void main(String[] args) throws Exception {
        try (TestPostgres.Server pg = TestPostgres.start(Map.of())) {
            int[] n = {0};
            StoreRoughBench.Stores stores = name -> {
                String schema = "b" + name.replace('-', '_') + (n[0]++);
                pg.execute("CREATE SCHEMA " + schema);
                return new PostgresStore(pg.url() + "&currentSchema=" + schema);
            };
            StoreRoughBench.run(stores);
            parallelIngest(stores.fresh("parallel"), 8, 5, 200, 200);
        }
    }

    private static void parallelIngest(Store fresh, int runs, int keys, int perKey, int batches) throws Exception {
        try (Store store = fresh) {
            for (int r = 0; r < runs; r++) {
                store.createRun(StoreRoughBench.run("p" + r, 0, Map.of(), Map.of()), Map.of());
            }
            ExecutorService pool = Executors.newFixedThreadPool(runs);
            long start = System.nanoTime();
            List<Future<Long>> done = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                String id = "p" + r;
                done.add(pool.submit(() -> {
                    long total = 0;
                    for (int i = 0; i < batches; i++) {
                        WriteBatch b = new WriteBatch();
                        for (int k = 0; k < perKey; k++) {
                            long step = (long) i * perKey + k;
                            for (int m = 0; m < keys; m++) {
                                b.metrics.add("metric" + m, step, 1_700_000_000_000L + step, step * 0.5);
                            }
                        }
                        b.logOffset = i + 1;
                        store.apply(id, b);
                        total += b.metrics.size();
                    }
                    return total;
                }));
            }
            long total = 0;
            for (Future<Long> f : done) {
                total += f.get();
            }
            double s = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            System.out.printf(
                    "parallel ingest: %d runs, %,d points in %.2f s = %,.0f points/s (batches of %,d points)%n",
                    runs, total, s, total / s, keys * perKey);
        }
    }
}
