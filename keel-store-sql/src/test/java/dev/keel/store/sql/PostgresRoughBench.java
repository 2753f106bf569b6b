package dev.keel.store.sql;

import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.sql.Connection;
import java.sql.Statement;
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
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start()) {
            String base = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres";
            int[] n = {0};
            StoreRoughBench.Stores stores = name -> {
                String schema = "b" + name.replace('-', '_') + (n[0]++);
                try (Connection c = pg.getPostgresDatabase().getConnection();
                        Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA " + schema);
                }
                return new PostgresStore(base + "&currentSchema=" + schema);
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
