package dev.keel.store.sql;

import dev.keel.core.Ids;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialProposer;
import dev.keel.core.sweep.TrialState;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import static dev.keel.store.sql.Jdbc.update;
import static dev.keel.store.sql.SweepRows.stored;

/**
 * The {@link SweepStore} over schema 8's tables, the same for SQLite and PostgreSQL. Every change
 * is one write transaction through {@link Database}. Claims and ends first lock the sweep's row
 * ({@link Dialect#lockRow}), so on PostgreSQL the claims of one sweep are numbered, counted and
 * proposed one at a time, while sweeps never wait for each other; SQLite's write transaction
 * already excludes every other writer, in this process and in others. Reaping skips trial rows
 * another transaction holds ({@link Dialect#lockRowSkipLocked}): a trial whose heartbeat is being
 * written right now is alive.
 *
 * <p>A non-finite metric is stored as none (it cannot be a sweep's best). {@code staleAfterMillis}
 * of 0 or less reaps nothing.
 */
final class SqlSweepStore implements SweepStore {
    private static final int MAX_AGENT = 200;

    private final Database db;

    SqlSweepStore(Database db) {
        this.db = db;
    }

    @Override
    public Sweep create(String project, String name, String config, long seed, String owner) {
        if (project == null || project.isBlank()) {
            throw KeelException.invalid("a sweep needs a project: give one in the config (project:) or with --project");
        }
        Objects.requireNonNull(config, "config");
        return db.write("create a sweep in project " + project, c -> {
            long now = db.dialect().nowMillis(c);
            update(
                    c,
                    "INSERT INTO projects (name, created_at, run_counter) VALUES (?, ?, 0) ON CONFLICT (name) DO NOTHING",
                    project,
                    now);
            String id = Ids.newRunId();
            while (SweepRows.sweep(c, id, "").isPresent()) {
                id = Ids.newRunId();
            }
            Sweep sweep = new Sweep(
                    id,
                    project,
                    name == null ? "" : name,
                    config,
                    seed,
                    SweepState.RUNNING,
                    now,
                    now,
                    owner == null ? "" : owner);
            update(
                    c,
                    "INSERT INTO sweeps (" + SweepRows.SWEEP_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    sweep.id(),
                    sweep.project(),
                    sweep.name(),
                    sweep.config(),
                    sweep.seed(),
                    stored(sweep.state()),
                    sweep.createdMillis(),
                    sweep.updatedMillis(),
                    sweep.owner());
            return sweep;
        });
    }

    @Override
    public Optional<Sweep> sweep(String id) {
        return db.read("read sweep " + id, c -> SweepRows.sweep(c, id, ""));
    }

    @Override
    public List<Sweep> sweeps(String project) {
        String sql = "SELECT " + SweepRows.SWEEP_COLUMNS + " FROM sweeps"
                + (project == null ? "" : " WHERE project = ?") + " ORDER BY created_at DESC, pk DESC";
        Object[] args = project == null ? new Object[0] : new Object[] {project};
        return db.read("list sweeps", c -> Jdbc.query(c, sql, SweepRows::sweep, args));
    }

    @Override
    public Sweep setState(String id, SweepState state) {
        Objects.requireNonNull(state, "state");
        return db.write("set sweep " + id + "'s state", c -> {
            Sweep sweep = lockedSweep(c, id);
            SweepState from = sweep.state();
            if (from == state) {
                return sweep;
            }
            // a stopped sweep may still be canceled: that only adds killing its running trials
            if (from.isTerminal() && !(from == SweepState.STOPPED && state == SweepState.CANCELED)) {
                throw KeelException.invalid("sweep " + id + " is " + from.label() + " and cannot become "
                        + state.label() + ": a " + from.label() + " sweep stays so; create a new sweep to search"
                        + " again");
            }
            long now = db.dialect().nowMillis(c);
            update(c, "UPDATE sweeps SET state = ?, updated_at = ? WHERE id = ?", stored(state), now, id);
            if (state == SweepState.CANCELED) {
                // heartbeats and the SDK's stop check read it here: the running programs stop
                update(
                        c,
                        "UPDATE sweep_trials SET reason = ? WHERE sweep = ? AND state = ? AND reason = ''",
                        "sweep " + id + " was canceled",
                        id,
                        stored(TrialState.RUNNING));
            }
            if (state == SweepState.CANCELED || state == SweepState.STOPPED) {
                // a paused trial waits for a bracket that will not go on: it ends where it is
                update(
                        c,
                        "UPDATE sweep_trials SET state = ?, ended_at = ?, reason = ? WHERE sweep = ? AND state = ?",
                        stored(state == SweepState.CANCELED ? TrialState.KILLED : TrialState.STOPPED),
                        now,
                        "paused at a rung when sweep " + id + " was " + state.label(),
                        id,
                        stored(TrialState.PAUSED));
            }
            return SweepRows.sweep(c, id, "").orElseThrow();
        });
    }

    @Override
    public List<Trial> trials(String sweepId) {
        return db.read("read sweep " + sweepId + "'s trials", c -> SweepRows.trials(c, sweepId));
    }

    @Override
    public Claim claim(
            String sweepId, String agent, String runId, int runCap, long staleAfterMillis, TrialProposer proposer) {
        checkAgent(agent);
        if (!Ids.isRunId(runId)) {
            throw KeelException.invalid("'" + runId + "' is not a run id: a claim needs a new run id of 8 characters"
                    + " 0-9 and a-z for the trial's run (Ids.newRunId())");
        }
        if (runCap < 0) {
            throw KeelException.invalid("run cap " + runCap + " is negative: give 0 for no cap or a positive count");
        }
        Objects.requireNonNull(proposer, "proposer");
        return db.write("claim a trial of sweep " + sweepId, c -> {
            Sweep sweep = lockedSweep(c, sweepId);
            // a retry whose first answer was lost: the same trial again, never a second one
            Optional<Trial> earlier = SweepRows.trialOfRun(c, runId);
            if (earlier.isPresent()) {
                Trial t = earlier.get();
                if (t.sweepId().equals(sweepId) && t.agent().equals(agent)) {
                    return new Claim.Granted(t);
                }
                throw KeelException.invalid("run " + runId + " already carries trial " + t.number() + " of sweep "
                        + t.sweepId() + " (agent " + t.agent() + "): claim with a new run id");
            }
            long now = db.dialect().nowMillis(c);
            reap(c, sweepId, now, staleAfterMillis);
            if (sweep.state() == SweepState.PAUSED) {
                return new Claim.Wait(
                        "sweep " + sweepId + " is paused: 'keel sweep resume " + sweepId + "' lets agents go on");
            }
            if (sweep.state() != SweepState.RUNNING) {
                return new Claim.Done(
                        "sweep " + sweepId + " is " + sweep.state().label());
            }
            List<Trial> trials = SweepRows.trials(c, sweepId);
            // a paused trial is work in flight: its bracket still decides whether it runs again
            long running = trials.stream()
                    .filter(t -> t.state() == TrialState.RUNNING || t.state() == TrialState.PAUSED)
                    .count();
            long counted =
                    trials.stream().filter(t -> t.state() != TrialState.CRASHED).count();
            update(c, "UPDATE sweeps SET run_cap = ? WHERE id = ? AND run_cap <> ?", runCap, sweepId, runCap);
            if (runCap > 0 && counted >= runCap) {
                return nothingLeft(c, sweepId, running, "its run cap of " + runCap + " trials is reached", now);
            }
            Proposal proposal = proposer.propose(sweep, trials);
            if (proposal instanceof Proposal.Exhausted e) {
                String reason = e.reason() == null || e.reason().isBlank() ? "its search is exhausted" : e.reason();
                update(c, "UPDATE sweeps SET exhausted = ? WHERE id = ?", reason, sweepId);
                return nothingLeft(c, sweepId, running, reason, now);
            }
            update(c, "UPDATE sweeps SET exhausted = '' WHERE id = ? AND exhausted <> ''", sweepId);
            int number = trials.isEmpty() ? 1 : trials.get(trials.size() - 1).number() + 1;
            Trial trial = new Trial(
                    sweepId,
                    number,
                    ((Proposal.Next) proposal).params(),
                    TrialState.RUNNING,
                    agent,
                    runId,
                    now,
                    now,
                    0,
                    null,
                    "");
            update(
                    c,
                    "INSERT INTO sweep_trials (" + SweepRows.TRIAL_COLUMNS
                            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    trial.sweepId(),
                    trial.number(),
                    Json.write(trial.params()),
                    stored(trial.state()),
                    trial.agent(),
                    trial.runId(),
                    trial.claimedMillis(),
                    trial.heartbeatMillis(),
                    trial.endedMillis(),
                    null,
                    trial.reason());
            return new Claim.Granted(trial);
        });
    }

    /** Nothing more to hand out: wait while trials run (one may crash and free its slot), else finish. */
    private Claim nothingLeft(Connection c, String sweepId, long running, String reason, long now) throws SQLException {
        if (running > 0) {
            return new Claim.Wait("sweep " + sweepId + ": " + reason + "; " + running
                    + " trial(s) still running or paused at a rung");
        }
        finish(c, sweepId, now);
        return new Claim.Done("sweep " + sweepId + " is finished: " + reason);
    }

    private static void finish(Connection c, String sweepId, long now) throws SQLException {
        update(
                c,
                "UPDATE sweeps SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                stored(SweepState.FINISHED),
                now,
                sweepId,
                stored(SweepState.RUNNING));
    }

    /** Marks the running trials whose agent has been silent too long crashed. */
    private void reap(Connection c, String sweepId, long now, long staleAfterMillis) throws SQLException {
        if (staleAfterMillis <= 0) {
            return;
        }
        List<Trial> stale = Jdbc.query(
                c,
                "SELECT " + SweepRows.TRIAL_COLUMNS + " FROM sweep_trials WHERE sweep = ? AND state = ?"
                        + " AND heartbeat_at < ?" + db.dialect().lockRowSkipLocked(),
                SweepRows::trial,
                sweepId,
                stored(TrialState.RUNNING),
                now - staleAfterMillis);
        for (Trial t : stale) {
            String reason = "no heartbeat from agent " + t.agent() + " for " + seconds(now - t.heartbeatMillis())
                    + " (stale after " + seconds(staleAfterMillis) + "): its agent died or lost the store";
            update(
                    c,
                    "UPDATE sweep_trials SET state = ?, ended_at = ?, reason = ? WHERE sweep = ? AND number = ?",
                    stored(TrialState.CRASHED),
                    now,
                    reason,
                    sweepId,
                    t.number());
        }
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    @Override
    public Trial heartbeat(String sweepId, int number, String agent) {
        checkAgent(agent);
        return db.write("record a heartbeat of trial " + number + " of sweep " + sweepId, c -> {
            Trial t = lockedTrial(c, sweepId, number);
            checkHolder(t, agent);
            if (t.state() != TrialState.RUNNING) {
                throw KeelException.invalid("trial " + number + " of sweep " + sweepId + " already ended as "
                        + t.state().label()
                        + (t.reason().isEmpty() ? "" : " (" + t.reason() + ")")
                        + ": stop its program"
                        + (t.state() == TrialState.CRASHED ? "; its slot is offered again" : ""));
            }
            long now = db.dialect().nowMillis(c);
            update(c, "UPDATE sweep_trials SET heartbeat_at = ? WHERE sweep = ? AND number = ?", now, sweepId, number);
            return SweepRows.trial(c, sweepId, number, "").orElseThrow();
        });
    }

    /** Keeps the first reason asked for; a trial that already ended is left as it is. */
    @Override
    public void requestStop(String sweepId, int number, String reason) {
        if (reason == null || reason.isBlank()) {
            throw KeelException.invalid("a stop request needs a reason, shown with the stopped run (e.g. the"
                    + " early-termination rule that fired)");
        }
        db.write("ask trial " + number + " of sweep " + sweepId + " to stop", c -> {
            lockedTrial(c, sweepId, number);
            update(
                    c,
                    "UPDATE sweep_trials SET reason = ? WHERE sweep = ? AND number = ? AND state = ? AND reason = ''",
                    reason,
                    sweepId,
                    number,
                    stored(TrialState.RUNNING));
            return null;
        });
    }

    /**
     * Ends the trial; the same end sent again (a retry whose answer was lost) returns the trial as
     * it ended. Finishes the sweep when this was its last running trial and the last claim found
     * nothing left (run cap reached, search exhausted).
     */
    @Override
    public Trial end(String sweepId, int number, String agent, TrialState state, Double metric, String reason) {
        checkAgent(agent);
        if (state == null || state == TrialState.RUNNING) {
            throw KeelException.invalid("end trial " + number + " of sweep " + sweepId + " with how it ended:"
                    + " finished, stopped, failed, killed, crashed, no-metric, or paused at a rung");
        }
        Double value = metric == null || !Double.isFinite(metric) ? null : metric;
        String why = reason == null ? "" : reason;
        return db.write("end trial " + number + " of sweep " + sweepId, c -> {
            lockedSweep(c, sweepId);
            Trial t = lockedTrial(c, sweepId, number);
            // a paused trial is held by nobody: whichever agent settles its bracket ends it
            boolean settling = t.state() == TrialState.PAUSED && state != TrialState.PAUSED;
            if (!settling) {
                checkHolder(t, agent);
            }
            if (t.state() != TrialState.RUNNING && !settling) {
                if (t.state() == state && Objects.equals(t.metric(), value)) {
                    return t;
                }
                throw KeelException.invalid("trial " + number + " of sweep " + sweepId + " already ended as "
                        + t.state().label() + (t.reason().isEmpty() ? "" : " (" + t.reason() + ")")
                        + " and cannot end again as " + state.label());
            }
            long now = db.dialect().nowMillis(c);
            // a stop request's reason is kept when the agent gives none of its own
            String kept = why.isEmpty() ? t.reason() : why;
            // what a paused trial reached at its rung stays its value
            Double endValue = settling && value == null ? t.metric() : value;
            update(
                    c,
                    "UPDATE sweep_trials SET state = ?, ended_at = ?, metric = ?, reason = ? WHERE sweep = ? AND"
                            + " number = ?",
                    stored(state),
                    now,
                    endValue,
                    kept,
                    sweepId,
                    number);
            if (state == TrialState.CRASHED) {
                // its parameters are open again: the next claim asks the search anew
                update(c, "UPDATE sweeps SET exhausted = '' WHERE id = ?", sweepId);
            } else if (state != TrialState.PAUSED) {
                finishIfDone(c, sweepId, now);
            }
            return SweepRows.trial(c, sweepId, number, "").orElseThrow();
        });
    }

    /** Finishes a running sweep that has nothing running and nothing left, as the last claim saw it. */
    private static void finishIfDone(Connection c, String sweepId, long now) throws SQLException {
        List<long[]> counts = Jdbc.query(
                c,
                "SELECT s.run_cap, CASE WHEN s.exhausted = '' THEN 0 ELSE 1 END,"
                        + " (SELECT COUNT(*) FROM sweep_trials t WHERE t.sweep = s.id AND t.state IN (?, ?)),"
                        + " (SELECT COUNT(*) FROM sweep_trials t WHERE t.sweep = s.id AND t.state <> ?)"
                        + " FROM sweeps s WHERE s.id = ? AND s.state = ?",
                rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)},
                stored(TrialState.RUNNING),
                stored(TrialState.PAUSED),
                stored(TrialState.CRASHED),
                sweepId,
                stored(SweepState.RUNNING));
        if (counts.isEmpty()) {
            return;
        }
        long[] n = counts.get(0);
        boolean capReached = n[0] > 0 && n[3] >= n[0];
        if (n[2] == 0 && (capReached || n[1] == 1)) {
            finish(c, sweepId, now);
        }
    }

    @Override
    public Trial resumeTrial(String sweepId, int number, String agent) {
        checkAgent(agent);
        return db.write("resume trial " + number + " of sweep " + sweepId, c -> {
            Sweep sweep = lockedSweep(c, sweepId);
            Trial t = lockedTrial(c, sweepId, number);
            if (t.state() != TrialState.PAUSED) {
                throw KeelException.invalid("trial " + number + " of sweep " + sweepId + " is "
                        + t.state().label()
                        + ", not paused: only a trial paused at a rung can be resumed (another agent may have"
                        + " taken it)");
            }
            if (sweep.state() != SweepState.RUNNING) {
                throw KeelException.invalid("sweep " + sweepId + " is "
                        + sweep.state().label() + ": its paused trials wait until it runs again");
            }
            long now = db.dialect().nowMillis(c);
            update(
                    c,
                    "UPDATE sweep_trials SET state = ?, agent = ?, heartbeat_at = ?, ended_at = 0, reason = ''"
                            + " WHERE sweep = ? AND number = ? AND state = ?",
                    stored(TrialState.RUNNING),
                    agent,
                    now,
                    sweepId,
                    number,
                    stored(TrialState.PAUSED));
            return SweepRows.trial(c, sweepId, number, "").orElseThrow();
        });
    }

    @Override
    public Optional<Trial> trialOfRun(String runId) {
        return db.read("read the trial of run " + runId, c -> SweepRows.trialOfRun(c, runId));
    }

    private Sweep lockedSweep(Connection c, String id) throws SQLException {
        return SweepRows.sweep(c, id, db.dialect().lockRow())
                .orElseThrow(() -> KeelException.notFound(
                        "no sweep '" + id + "' in this store: 'keel sweep ls' lists the sweeps there are"));
    }

    private Trial lockedTrial(Connection c, String sweepId, int number) throws SQLException {
        Optional<Trial> t = SweepRows.trial(c, sweepId, number, db.dialect().lockRow());
        if (t.isPresent()) {
            return t.get();
        }
        if (SweepRows.sweep(c, sweepId, "").isEmpty()) {
            throw KeelException.notFound(
                    "no sweep '" + sweepId + "' in this store: 'keel sweep ls' lists the sweeps there are");
        }
        throw KeelException.notFound("sweep " + sweepId + " has no trial " + number + ": 'keel sweep show " + sweepId
                + "' lists its trials");
    }

    private static void checkHolder(Trial t, String agent) {
        if (!t.agent().equals(agent)) {
            throw KeelException.invalid("trial " + t.number() + " of sweep " + t.sweepId() + " is held by agent "
                    + t.agent() + ", not " + agent + ": only the agent that claimed a trial reports on it");
        }
    }

    private static void checkAgent(String agent) {
        if (agent == null || agent.isBlank() || agent.length() > MAX_AGENT) {
            throw KeelException.invalid("'" + agent + "' is not an agent name: give 1 to " + MAX_AGENT
                    + " characters that name the agent (e.g. host:pid)");
        }
    }
}
