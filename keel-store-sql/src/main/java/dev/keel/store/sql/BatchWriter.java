package dev.keel.store.sql;

import dev.keel.core.ConsoleLine;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.MetricBatch;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.store.WriteBatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The statements that change runs: creation, {@link WriteBatch}es and deletion, each in one transaction. */
final class BatchWriter {
    private BatchWriter() {}

    static void createRun(Connection c, RunInfo run, Map<String, Object> provenance) throws SQLException {
        long now = System.currentTimeMillis();
        update(
                c,
                "INSERT INTO projects (name, created_at, run_counter) VALUES (?, ?, 0) ON CONFLICT (name) DO NOTHING",
                run.project(),
                Math.min(now, run.createdAt() > 0 ? run.createdAt() : now));
        update(c, "UPDATE projects SET run_counter = run_counter + 1 WHERE name = ?", run.project());
        Long pk = queryLong(
                c,
                "INSERT INTO runs (id, project, name, grp, user_name, tags, notes, state, created_at,"
                        + " heartbeat_at, ended_at, runtime_ms, sweep, host, pid, config, summary, log_offset, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (id) DO NOTHING"
                        + " RETURNING pk",
                run.id(),
                run.project(),
                run.name(),
                run.group(),
                run.user(),
                Json.write(run.tags()),
                run.notes(),
                run.state().label(),
                run.createdAt(),
                run.heartbeatAt(),
                run.endedAt(),
                run.runtimeMs(),
                run.sweep(),
                run.host(),
                run.pid(),
                Json.write(run.config()),
                Json.write(run.summary()),
                now);
        if (pk == null) {
            throw new KeelException(
                    KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS,
                    "a run with id '" + run.id() + "' already exists: pick another id, or resume that run");
        }
        if (provenance != null && !provenance.isEmpty()) {
            update(c, "INSERT INTO run_provenance (run_pk, data) VALUES (?, ?)", pk, Json.write(provenance));
        }
    }

    /** {@link RunRows#merge}, whose error names the run and what to do about it. */
    private static String merge(String runId, String part, String stored, Map<String, Object> updates) {
        try {
            return RunRows.merge(stored, updates);
        } catch (KeelException e) {
            throw new KeelException(
                    e.code(),
                    "run " + runId + "'s stored " + part + " cannot be read, so it cannot be" + " updated ("
                            + e.getMessage() + "): remove the run with `keel run rm " + runId + "`",
                    e);
        }
    }

    static void apply(Connection c, String runId, WriteBatch batch, Dialect dialect) throws SQLException {
        boolean jsonChanges = !batch.summary.isEmpty() || !batch.config.isEmpty();
        long pk;
        String summary = null;
        String config = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT pk, log_offset"
                + (jsonChanges ? ", summary, config" : "") + " FROM runs WHERE id = ?" + dialect.lockRow())) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw KeelException.notFound("no run '" + runId + "' in the store: create it first"
                            + " (keel runs lists the runs there are)");
                }
                pk = rs.getLong(1);
                long applied = rs.getLong(2);
                if (batch.logOffset >= 0 && batch.logOffset <= applied) {
                    return; // replayed after a crash: this part of the log is already in
                }
                if (jsonChanges) {
                    summary = rs.getString(3);
                    config = rs.getString(4);
                }
            }
        }
        if (batch.truncateAfterStep != WriteBatch.NO_TRUNCATION) {
            truncateMetrics(c, pk, batch.truncateAfterStep);
        }
        writeMetrics(c, pk, batch.metrics, dialect.blockPoints());
        writeConsole(c, pk, batch.console);
        writeFiles(c, pk, batch.files);
        removeFiles(c, pk, batch.removedFiles);
        mergeProvenance(c, pk, batch.provenance);

        List<String> sets = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        set(sets, values, "updated_at", System.currentTimeMillis());
        if (!batch.summary.isEmpty()) {
            set(sets, values, "summary", merge(runId, "summary", summary, batch.summary));
        }
        if (!batch.config.isEmpty()) {
            set(sets, values, "config", merge(runId, "config", config, batch.config));
        }
        if (batch.state != null) {
            set(sets, values, "state", batch.state.label());
            if (batch.state.isTerminal() && batch.endedAt > 0) {
                set(sets, values, "ended_at", batch.endedAt);
            } else if (!batch.state.isTerminal()) {
                set(sets, values, "ended_at", 0L);
            }
        }
        if (batch.heartbeatAt != 0) {
            set(sets, values, "heartbeat_at", batch.heartbeatAt);
        }
        if (batch.runtimeMs >= 0) {
            set(sets, values, "runtime_ms", batch.runtimeMs);
        }
        if (batch.notes != null) {
            set(sets, values, "notes", batch.notes);
        }
        if (batch.tags != null) {
            set(sets, values, "tags", Json.write(batch.tags));
        }
        if (batch.problems != null) {
            set(sets, values, "problems", Json.write(batch.problems));
        }
        if (batch.name != null) {
            set(sets, values, "name", batch.name);
        }
        if (batch.host != null) {
            set(sets, values, "host", batch.host);
        }
        if (batch.pid != 0) {
            set(sets, values, "pid", batch.pid);
        }
        if (batch.logOffset >= 0) {
            set(sets, values, "log_offset", batch.logOffset);
        }
        values.add(pk);
        update(c, "UPDATE runs SET " + String.join(", ", sets) + " WHERE pk = ?", values.toArray());
    }

    private static void set(List<String> sets, List<Object> values, String column, Object value) {
        sets.add(column + " = ?");
        values.add(value);
    }

    /**
     * A block grows to at most this many points by merging small batches into it, so a run that
     * logs a few points per writer cycle is still read back as a handful of rows.
     */
    static final int BLOCK_POINTS = 4096;
    /** A batch merges its points of a key into the last block only when they are fewer than this. */
    static final int MERGE_BELOW = 512;

    /** Appends the batch's points of each key, in the order they were logged, as one block per key. */
    private static void writeMetrics(Connection c, long runPk, MetricBatch batch, int blockPoints) throws SQLException {
        int n = batch.size();
        if (n == 0) {
            return;
        }
        long[] steps = new long[n];
        long[] timestamps = new long[n];
        double[] values = new double[n];
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            steps[i] = batch.step(i);
            timestamps[i] = batch.timestamp(i);
            values[i] = batch.value(i);
            counts.computeIfAbsent(batch.key(i), k -> new int[1])[0]++;
        }
        Map<String, int[]> indices = new HashMap<>();
        Map<String, int[]> filled = new HashMap<>();
        counts.forEach((k, cnt) -> {
            indices.put(k, new int[cnt[0]]);
            filled.put(k, new int[1]);
        });
        for (int i = 0; i < n; i++) {
            String k = batch.key(i);
            indices.get(k)[filled.get(k)[0]++] = i;
        }
        try (PreparedStatement key =
                        c.prepareStatement("INSERT INTO metric_keys (run_pk, name, points) VALUES (?, ?, ?)"
                                + " ON CONFLICT (run_pk, name) DO UPDATE SET points = metric_keys.points + excluded.points"
                                + " RETURNING pk, points");
                PreparedStatement last = c.prepareStatement(
                        "SELECT pk, points, data FROM metric_blocks WHERE key_pk = ?" + " ORDER BY pk DESC LIMIT 1");
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO metric_blocks (key_pk, points, min_step, max_step,"
                                + " data) VALUES (?, ?, ?, ?, ?)");
                PreparedStatement replace = c.prepareStatement("UPDATE metric_blocks SET points = ?, min_step = ?,"
                        + " max_step = ?, data = ? WHERE pk = ?")) {
            for (Map.Entry<String, int[]> e : counts.entrySet()) {
                int[] idx = indices.get(e.getKey());
                key.setLong(1, runPk);
                key.setString(2, e.getKey());
                key.setInt(3, idx.length);
                long keyPk;
                long pointsBefore;
                try (ResultSet rs = key.executeQuery()) {
                    rs.next();
                    keyPk = rs.getLong(1);
                    pointsBefore = rs.getLong(2) - idx.length;
                }
                // Only small appends merge: a batch with many points of a key (HTTP ingest sends
                // ~1,000 per key) makes a block big enough on its own, and re-encoding the last
                // block each time would cost more than the points themselves.
                if (pointsBefore > 0
                        && idx.length < Math.min(blockPoints, MERGE_BELOW)
                        && mergeIntoLast(last, replace, keyPk, steps, timestamps, values, idx, blockPoints)) {
                    continue;
                }
                insert.setLong(1, keyPk);
                insert.setInt(2, idx.length);
                insert.setLong(3, min(steps, idx, idx.length));
                insert.setLong(4, max(steps, idx, idx.length));
                insert.setBytes(5, MetricBlockCodec.encode(steps, timestamps, values, idx, idx.length));
                insert.executeUpdate();
            }
        }
    }

    /** Appends the points to the key's last block when they fit; false when they do not. */
    private static boolean mergeIntoLast(
            PreparedStatement last,
            PreparedStatement replace,
            long keyPk,
            long[] steps,
            long[] timestamps,
            double[] values,
            int[] idx,
            int blockPoints)
            throws SQLException {
        long blockPk;
        byte[] data;
        last.setLong(1, keyPk);
        try (ResultSet rs = last.executeQuery()) {
            if (!rs.next() || rs.getInt(2) + idx.length > blockPoints) {
                return false;
            }
            blockPk = rs.getLong(1);
            data = rs.getBytes(3);
        }
        int old = MetricBlockCodec.count(data);
        int total = old + idx.length;
        long[] s = new long[total];
        long[] t = new long[total];
        double[] v = new double[total];
        MetricBlockCodec.decode(data, s, t, v, 0);
        int[] all = new int[total];
        for (int k = 0; k < total; k++) {
            all[k] = k;
            if (k >= old) {
                int i = idx[k - old];
                s[k] = steps[i];
                t[k] = timestamps[i];
                v[k] = values[i];
            }
        }
        replace.setInt(1, total);
        replace.setLong(2, min(s, all, total));
        replace.setLong(3, max(s, all, total));
        replace.setBytes(4, MetricBlockCodec.encode(s, t, v, all, total));
        replace.setLong(5, blockPk);
        replace.executeUpdate();
        return true;
    }

    /**
     * Deletes the run's points at steps after {@code step}: blocks wholly past it go, blocks that
     * straddle it are rewritten with the points they keep, and each key's point count follows.
     * A key left without points is forgotten, as if it had never been logged.
     */
    private static void truncateMetrics(Connection c, long runPk, long step) throws SQLException {
        List<long[]> straddling = new ArrayList<>(); // {block pk, key pk}
        try (PreparedStatement ps = c.prepareStatement("SELECT b.pk, b.key_pk FROM metric_blocks b"
                + " JOIN metric_keys k ON k.pk = b.key_pk WHERE k.run_pk = ? AND b.max_step > ? AND b.min_step <= ?")) {
            ps.setLong(1, runPk);
            ps.setLong(2, step);
            ps.setLong(3, step);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    straddling.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
        }
        update(
                c,
                "DELETE FROM metric_blocks WHERE min_step > ? AND key_pk IN (SELECT pk FROM metric_keys WHERE run_pk = ?)",
                step,
                runPk);
        try (PreparedStatement read = c.prepareStatement("SELECT data FROM metric_blocks WHERE pk = ?");
                PreparedStatement replace = c.prepareStatement("UPDATE metric_blocks SET points = ?, min_step = ?,"
                        + " max_step = ?, data = ? WHERE pk = ?")) {
            for (long[] block : straddling) {
                read.setLong(1, block[0]);
                byte[] data;
                try (ResultSet rs = read.executeQuery()) {
                    rs.next();
                    data = rs.getBytes(1);
                }
                int n = MetricBlockCodec.count(data);
                long[] s = new long[n];
                long[] t = new long[n];
                double[] v = new double[n];
                MetricBlockCodec.decode(data, s, t, v, 0);
                int[] kept = new int[n];
                int k = 0;
                for (int i = 0; i < n; i++) {
                    if (s[i] <= step) {
                        kept[k++] = i;
                    }
                }
                // min_step <= step, so at least one point stays
                replace.setInt(1, k);
                replace.setLong(2, min(s, kept, k));
                replace.setLong(3, max(s, kept, k));
                replace.setBytes(4, MetricBlockCodec.encode(s, t, v, kept, k));
                replace.setLong(5, block[0]);
                replace.executeUpdate();
            }
        }
        update(
                c,
                "UPDATE metric_keys SET points = (SELECT COALESCE(SUM(b.points), 0) FROM metric_blocks b"
                        + " WHERE b.key_pk = metric_keys.pk) WHERE run_pk = ?",
                runPk);
        update(c, "DELETE FROM metric_keys WHERE run_pk = ? AND points = 0", runPk);
    }

    private static long min(long[] steps, int[] idx, int n) {
        long m = Long.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            m = Math.min(m, steps[idx[k]]);
        }
        return m;
    }

    private static long max(long[] steps, int[] idx, int n) {
        long m = Long.MIN_VALUE;
        for (int k = 0; k < n; k++) {
            m = Math.max(m, steps[idx[k]]);
        }
        return m;
    }

    private static void writeConsole(Connection c, long runPk, List<ConsoleLine> lines) throws SQLException {
        if (lines.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_lines (run_pk, seq, ts, stream, text)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_pk, seq) DO NOTHING")) {
            for (ConsoleLine l : lines) {
                ps.setLong(1, runPk);
                ps.setLong(2, l.seq());
                ps.setLong(3, l.timestamp());
                ps.setString(4, l.stream());
                ps.setString(5, l.text());
                ps.executeUpdate();
            }
        }
    }

    private static void writeFiles(Connection c, long runPk, List<RunFile> files) throws SQLException {
        if (files.isEmpty()) {
            return;
        }
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO run_files (run_pk, name, hash, size, kind, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_pk, name) DO UPDATE SET hash = excluded.hash,"
                        + " size = excluded.size, kind = excluded.kind, created_at = excluded.created_at")) {
            for (RunFile f : files) {
                ps.setLong(1, runPk);
                ps.setString(2, f.name());
                ps.setString(3, f.hash());
                ps.setLong(4, f.size());
                ps.setString(5, f.kind());
                ps.setLong(6, f.createdAt());
                ps.executeUpdate();
            }
        }
        // the run's project holds what its files list (see Store.heldBlobs), whichever path wrote them
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO blob_holders (project, hash)"
                + " SELECT project, ? FROM runs WHERE pk = ? ON CONFLICT (project, hash) DO NOTHING")) {
            for (RunFile f : files) {
                ps.setString(1, f.hash());
                ps.setLong(2, runPk);
                ps.executeUpdate();
            }
        }
    }

    private static void mergeProvenance(Connection c, long runPk, Map<String, Object> updates) throws SQLException {
        if (updates.isEmpty()) {
            return;
        }
        String stored = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT data FROM run_provenance WHERE run_pk = ?")) {
            ps.setLong(1, runPk);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    stored = rs.getString(1);
                }
            }
        }
        update(
                c,
                "INSERT INTO run_provenance (run_pk, data) VALUES (?, ?) ON CONFLICT (run_pk) DO UPDATE SET data = excluded.data",
                runPk,
                RunRows.merge(stored, updates));
    }

    private static void removeFiles(Connection c, long runPk, List<String> names) throws SQLException {
        if (names.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM run_files WHERE run_pk = ? AND name = ?")) {
            for (String name : names) {
                ps.setLong(1, runPk);
                ps.setString(2, name);
                ps.executeUpdate();
            }
        }
    }

    static void deleteRun(Connection c, String runId, String lockRow) throws SQLException {
        Long pk = queryLong(c, "SELECT pk FROM runs WHERE id = ?" + lockRow, runId);
        if (pk == null) {
            throw KeelException.notFound("no run '" + runId + "' to delete: keel runs lists the runs there are");
        }
        update(c, "DELETE FROM metric_blocks WHERE key_pk IN (SELECT pk FROM metric_keys WHERE run_pk = ?)", pk);
        update(c, "DELETE FROM metric_keys WHERE run_pk = ?", pk);
        update(c, "DELETE FROM console_lines WHERE run_pk = ?", pk);
        update(c, "DELETE FROM run_files WHERE run_pk = ?", pk);
        update(c, "DELETE FROM run_provenance WHERE run_pk = ?", pk);
        update(c, "DELETE FROM runs WHERE pk = ?", pk);
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        return Jdbc.update(c, sql, params);
    }

    /** The first column of the first row, or null when there is no row. */
    static Long queryLong(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    static void bind(PreparedStatement ps, Object... params) throws SQLException {
        Jdbc.bind(ps, params);
    }
}
