/**
 * Keel's stores on SQL databases: the embedded {@link dev.keel.store.sql.SqliteStore} (opened
 * through {@code Stores.open("sqlite:<path to keel.db>")}) and the shared
 * {@link dev.keel.store.sql.PostgresStore} ({@code Stores.open("jdbc:postgresql://HOST/DB")}).
 *
 * <h2>How it is built</h2>
 * <ul>
 *   <li>{@code SqlStore} holds the store logic for every database; {@code Dialect} holds the few
 *       things that differ (transactions, lock errors, JSON expressions, error messages), and
 *       {@code migrations/<dialect>/V<n>.sql} the schema, applied in order by {@code Migrations}
 *       and recorded in {@code schema_version}. The side stores over the same database
 *       ({@code SqlDatasetStore}, {@code SqlAccessStore}) run the same migrations on open and
 *       create no tables of their own.</li>
 *   <li>Every write is one transaction ({@code Database.write}): a whole {@code WriteBatch},
 *       including the run's event-log offset, so replaying a log after a crash applies each
 *       batch exactly once. On SQLite that is {@code BEGIN IMMEDIATE} in WAL mode, retried with
 *       back-off while another process writes, so many processes share one file.</li>
 *   <li>Metric points are stored in blocks, one row per key per batch (small batches are merged
 *       up to {@code BatchWriter.BLOCK_POINTS}; a batch with 512 or more points of a key makes its
 *       own block), encoded by {@code MetricBlockCodec}: values as raw
 *       IEEE doubles, steps and timestamps as zig-zag varint deltas. Reading a series is a range
 *       scan over its blocks.</li>
 *   <li>On PostgreSQL a write is a READ COMMITTED transaction on a pooled connection that first
 *       locks the run's row ({@code FOR UPDATE}), so concurrent writers of one run take turns;
 *       deadlocks and serialization failures are retried like SQLite's busy database.</li>
 *   <li>Runs keep config and summary as JSON text (on PostgreSQL with generated jsonb copies for
 *       queries); {@code FilterCompiler} turns a filter and a sort field into SQL over them with
 *       every value and JSON path bound as a parameter.</li>
 * </ul>
 */
package dev.keel.store.sql;
