package dev.keel.store.sql;

import dev.keel.core.ConsoleLine;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.MetricSeries;
import dev.keel.core.ProjectInfo;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.flow.ProjectFlow;
import dev.keel.core.model.ModelStore;
import dev.keel.core.store.ExperimentStore;
import dev.keel.core.store.MlflowModelStore;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.core.sweep.SweepStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link Store} over a SQL database, the same for every dialect: writes go through
 * {@link BatchWriter} in one transaction each, searches through {@link FilterCompiler}.
 */
class SqlStore implements Store {
    private final Database db;
    private final ReadWarnings warnings = new ReadWarnings();
    // Made on first use: each is a large class, and most processes (a training run, a short
    // command) use one of them or none; loading and verifying them is start-up time.
    private volatile FilterCompiler filters;
    private volatile ExperimentTable experiments;
    private volatile SqlSweepStore sweeps;
    private volatile SqlModelStore models;
    private volatile SqlMlflowModels mlflowModels;

    SqlStore(Database db) {
        this.db = db;
        try {
            Migrations.migrate(db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** The database, for tests that look beneath the store. */
    Database database() {
        return db;
    }

    @Override
    public Optional<ExperimentStore> experiments() {
        ExperimentTable e = experiments;
        if (e == null) {
            synchronized (this) {
                e = experiments;
                if (e == null) {
                    e = new ExperimentTable(db);
                    experiments = e;
                }
            }
        }
        return Optional.of(e);
    }

    private FilterCompiler filters() {
        FilterCompiler f = filters;
        if (f == null) {
            synchronized (this) {
                f = filters;
                if (f == null) {
                    f = new FilterCompiler(db.dialect());
                    filters = f;
                }
            }
        }
        return f;
    }

    @Override
    public Optional<MlflowModelStore> mlflowModels() {
        SqlMlflowModels m = mlflowModels;
        if (m == null) {
            synchronized (this) {
                m = mlflowModels;
                if (m == null) {
                    m = new SqlMlflowModels(db);
                    mlflowModels = m;
                }
            }
        }
        return Optional.of(m);
    }

    @Override
    public SweepStore sweeps() {
        SqlSweepStore w = sweeps;
        if (w == null) {
            synchronized (this) {
                w = sweeps;
                if (w == null) {
                    w = new SqlSweepStore(db);
                    sweeps = w;
                }
            }
        }
        return w;
    }

    @Override
    public ModelStore models() {
        SqlModelStore m = models;
        if (m == null) {
            synchronized (this) {
                m = models;
                if (m == null) {
                    m = new SqlModelStore(db);
                    models = m;
                }
            }
        }
        return m;
    }

    @Override
    public void saveFlow(ProjectFlow flow) {
        db.write("record project " + flow.project() + "'s flow", c -> {
            BatchWriter.update(
                    c,
                    "INSERT INTO project_flows (project, flow, recorded_at) VALUES (?, ?, ?) ON CONFLICT (project)"
                            + " DO UPDATE SET flow = excluded.flow, recorded_at = excluded.recorded_at",
                    flow.project(),
                    Json.write(flow.toMap()),
                    flow.recordedAt());
            return null;
        });
    }

    @Override
    public Optional<ProjectFlow> flow(String project) {
        return db.read("read project " + project + "'s flow", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT flow FROM project_flows WHERE project = ?")) {
                ps.setString(1, project);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(ProjectFlow.fromMap(Json.readMap(rs.getString(1)), project))
                            : Optional.<ProjectFlow>empty();
                }
            }
        });
    }

    @Override
    public void createRun(RunInfo run, Map<String, Object> provenance) {
        db.write("create run " + run.id(), c -> {
            BatchWriter.createRun(c, run, provenance);
            return null;
        });
    }

    @Override
    public void apply(String runId, WriteBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        db.write("store run " + runId + "'s data", c -> {
            BatchWriter.apply(c, runId, batch, db.dialect());
            return null;
        });
    }

    @Override
    public void deleteRun(String runId) {
        db.write("delete run " + runId, c -> {
            BatchWriter.deleteRun(c, runId, db.dialect().lockRow());
            return null;
        });
    }

    @Override
    public Optional<RunInfo> run(String runId) {
        return db.read("read run " + runId, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT " + RunRows.COLUMNS + " FROM runs r WHERE r.id = ?")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(RunRows.read(rs, warnings)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<RunInfo> searchRuns(RunQuery query) {
        SqlBuilder b = new SqlBuilder().sql("SELECT " + RunRows.COLUMNS + " FROM runs r");
        where(query, b);
        b.sql(" ORDER BY ");
        if (query.sort() != null) {
            filters().orderBy(query.sort(), query.descending(), b);
            b.sql(", ");
        }
        b.sql("r.created_at DESC, r.pk DESC");
        if (query.limit() > 0 || query.offset() > 0) {
            b.sql(" LIMIT ").bind(query.limit() > 0 ? query.limit() : Long.MAX_VALUE);
            b.sql(" OFFSET ").bind(Math.max(0, query.offset()));
        }
        return db.read("search runs", c -> {
            try (PreparedStatement ps = b.prepare(c);
                    ResultSet rs = ps.executeQuery()) {
                List<RunInfo> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(RunRows.read(rs, warnings));
                }
                return out;
            }
        });
    }

    @Override
    public long countRuns(RunQuery query) {
        SqlBuilder b = new SqlBuilder().sql("SELECT COUNT(*) FROM runs r");
        where(query, b);
        return db.read("count runs", c -> {
            try (PreparedStatement ps = b.prepare(c);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private void where(RunQuery query, SqlBuilder b) {
        b.sql(" WHERE 1 = 1");
        if (query.project() != null) {
            b.sql(" AND r.project = ").bind(query.project());
        }
        if (query.filter() != null) {
            b.sql(" AND ");
            filters().where(query.filter(), b);
        }
    }

    @Override
    public Map<String, Object> provenance(String runId) {
        return db.read("read run " + runId + "'s provenance", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT p.data FROM run_provenance p" + " JOIN runs r ON r.pk = p.run_pk WHERE r.id = ?")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    return RunRows.readMap(rs.next() ? rs.getString(1) : null);
                } catch (KeelException e) {
                    warnings.unreadable(runId, "provenance", e);
                    return new LinkedHashMap<String, Object>();
                }
            }
        });
    }

    @Override
    public long logOffset(String runId) {
        return db.read("read run " + runId + "'s log offset", c -> {
            Long v = BatchWriter.queryLong(c, "SELECT log_offset FROM runs WHERE id = ?", runId);
            return v == null ? 0L : v;
        });
    }

    @Override
    public long nextRunOrdinal(String project) {
        return db.read("number the next run of " + project, c -> {
            Long v = BatchWriter.queryLong(c, "SELECT run_counter FROM projects WHERE name = ?", project);
            return v == null ? 1L : v + 1;
        });
    }

    @Override
    public List<ProjectInfo> projects() {
        return db.read("list projects", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT p.name, COUNT(r.pk), p.created_at,"
                            + " COALESCE(MAX(r.updated_at), p.created_at) FROM projects p LEFT JOIN runs r ON r.project = p.name"
                            + " GROUP BY p.pk, p.name, p.created_at ORDER BY p.name");
                    ResultSet rs = ps.executeQuery()) {
                List<ProjectInfo> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new ProjectInfo(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
                return out;
            }
        });
    }

    @Override
    public List<String> metricKeys(String runId) {
        return db.read("list run " + runId + "'s metrics", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT k.name FROM metric_keys k"
                    + " JOIN runs r ON r.pk = k.run_pk WHERE r.id = ? ORDER BY k.name")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    List<String> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public MetricSeries history(String runId, String key) {
        return db.read("read metric " + key + " of run " + runId, c -> readHistory(c, runId, key));
    }

    private static MetricSeries readHistory(Connection c, String runId, String key) throws SQLException {
        long keyPk;
        int total;
        try (PreparedStatement ps = c.prepareStatement("SELECT k.pk, k.points FROM metric_keys k"
                + " JOIN runs r ON r.pk = k.run_pk WHERE r.id = ? AND k.name = ?")) {
            ps.setString(1, runId);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new MetricSeries(key, new long[0], new double[0], new long[0]);
                }
                keyPk = rs.getLong(1);
                total = rs.getInt(2);
            }
        }
        long[] steps = new long[total];
        long[] timestamps = new long[total];
        double[] values = new double[total];
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT data FROM metric_blocks WHERE key_pk = ? ORDER BY pk")) {
            ps.setLong(1, keyPk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] block = rs.getBytes(1);
                    int count = MetricBlockCodec.count(block);
                    if (n + count > steps.length) { // the counter should match; never trust it with memory
                        int size = Math.max(n + count, steps.length * 2);
                        steps = Arrays.copyOf(steps, size);
                        timestamps = Arrays.copyOf(timestamps, size);
                        values = Arrays.copyOf(values, size);
                    }
                    n += MetricBlockCodec.decode(block, steps, timestamps, values, n);
                }
            }
        }
        if (n != steps.length) {
            steps = Arrays.copyOf(steps, n);
            timestamps = Arrays.copyOf(timestamps, n);
            values = Arrays.copyOf(values, n);
        }
        StepOrder.sort(steps, timestamps, values, n);
        return new MetricSeries(key, steps, values, timestamps);
    }

    @Override
    public List<ConsoleLine> console(String runId, long fromSeq, int limit) {
        SqlBuilder b = new SqlBuilder()
                .sql("SELECT l.seq, l.ts, l.stream, l.text FROM console_lines l"
                        + " JOIN runs r ON r.pk = l.run_pk WHERE r.id = ")
                .bind(runId)
                .sql(" AND l.seq >= ")
                .bind(fromSeq)
                .sql(" ORDER BY l.seq");
        if (limit > 0) {
            b.sql(" LIMIT ").bind(limit);
        }
        return db.read("read run " + runId + "'s console", c -> {
            try (PreparedStatement ps = b.prepare(c);
                    ResultSet rs = ps.executeQuery()) {
                List<ConsoleLine> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new ConsoleLine(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
                }
                return out;
            }
        });
    }

    @Override
    public List<RunFile> files(String runId) {
        return db.read("list run " + runId + "'s files", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT f.name, f.hash, f.size, f.kind, f.created_at"
                    + " FROM run_files f JOIN runs r ON r.pk = f.run_pk WHERE r.id = ? ORDER BY f.name")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    List<RunFile> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new RunFile(
                                rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getLong(5)));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public Set<String> heldBlobs(String project, Collection<String> hashes) {
        if (hashes.isEmpty()) {
            return Set.of();
        }
        return db.read("read which contents project " + project + " holds", c -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT 1 FROM blob_holders WHERE project = ? AND hash = ?")) {
                for (String hash : new LinkedHashSet<>(hashes)) {
                    ps.setString(1, project);
                    ps.setString(2, hash);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            out.add(hash);
                        }
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void holdBlobs(String project, Collection<String> hashes) {
        if (hashes.isEmpty()) {
            return;
        }
        db.write("record contents project " + project + " holds", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO blob_holders (project, hash) VALUES (?, ?)"
                    + " ON CONFLICT (project, hash) DO NOTHING")) {
                for (String hash : new LinkedHashSet<>(hashes)) {
                    ps.setString(1, project);
                    ps.setString(2, hash);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public List<String> blobHolders(String hash) {
        return db.read("read which projects hold " + hash, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT project FROM blob_holders WHERE hash = ? ORDER BY project")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    List<String> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public void close() {
        db.close();
    }
}
