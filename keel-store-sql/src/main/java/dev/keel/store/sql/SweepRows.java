package dev.keel.store.sql;

import dev.keel.core.Json;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The rows of schema 8's {@code sweeps} and {@code sweep_trials} tables as SPI records. */
final class SweepRows {
    static final String SWEEP_COLUMNS = "id, project, name, config, seed, state, created_at, updated_at, owner";
    static final String TRIAL_COLUMNS =
            "sweep, number, params, state, agent, run_id, claimed_at, heartbeat_at, ended_at, metric, reason";

    private SweepRows() {}

    static Sweep sweep(ResultSet rs) throws SQLException {
        return new Sweep(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getLong(5),
                sweepState(rs.getString(6)),
                rs.getLong(7),
                rs.getLong(8),
                rs.getString(9));
    }

    static Trial trial(ResultSet rs) throws SQLException {
        double metric = rs.getDouble(10);
        boolean none = rs.wasNull();
        String reason = rs.getString(11);
        Map<String, Object> params;
        TrialState state;
        try {
            params = Json.readMap(rs.getString(3));
            state = TrialState.parse(rs.getString(4));
        } catch (RuntimeException e) {
            // one damaged row (or one written by a newer Keel) must not hide the sweep's other
            // trials or stop its claims: it reads as a failed trial, never best, its point not reopened
            params = Map.of();
            state = TrialState.FAILED;
            reason = "unreadable trial row (params " + rs.getString(3) + ", state " + rs.getString(4) + "): "
                    + e.getMessage();
        }
        return new Trial(
                rs.getString(1),
                rs.getInt(2),
                params,
                state,
                rs.getString(5),
                rs.getString(6),
                rs.getLong(7),
                rs.getLong(8),
                rs.getLong(9),
                none ? null : metric,
                reason);
    }

    /** A sweep state a newer Keel may have written reads as paused: shown, handing out nothing. */
    private static SweepState sweepState(String stored) {
        try {
            return SweepState.parse(stored);
        } catch (IllegalArgumentException e) {
            return SweepState.PAUSED;
        }
    }

    /** The sweep's row; with {@code lock}, locked until the transaction ends. */
    static Optional<Sweep> sweep(Connection c, String id, String lock) throws SQLException {
        return Jdbc.first(
                Jdbc.query(c, "SELECT " + SWEEP_COLUMNS + " FROM sweeps WHERE id = ?" + lock, SweepRows::sweep, id));
    }

    static List<Trial> trials(Connection c, String sweepId) throws SQLException {
        return Jdbc.query(
                c,
                "SELECT " + TRIAL_COLUMNS + " FROM sweep_trials WHERE sweep = ? ORDER BY number",
                SweepRows::trial,
                sweepId);
    }

    static Optional<Trial> trial(Connection c, String sweepId, int number, String lock) throws SQLException {
        return Jdbc.first(Jdbc.query(
                c,
                "SELECT " + TRIAL_COLUMNS + " FROM sweep_trials WHERE sweep = ? AND number = ?" + lock,
                SweepRows::trial,
                sweepId,
                number));
    }

    static Optional<Trial> trialOfRun(Connection c, String runId) throws SQLException {
        return Jdbc.first(Jdbc.query(
                c, "SELECT " + TRIAL_COLUMNS + " FROM sweep_trials WHERE run_id = ?", SweepRows::trial, runId));
    }

    /** A state as stored: its label ({@code no-metric}), which {@code parse} reads back. */
    static String stored(TrialState state) {
        return state.label();
    }

    static String stored(SweepState state) {
        return state.label();
    }
}
