package dev.keel.cli.sweep;

import dev.keel.cli.view.Values;
import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialProposer;
import dev.keel.core.sweep.TrialState;
import dev.keel.home.Sync;
import dev.keel.sweep.EarlyStop;
import dev.keel.sweep.HyperbandBrackets;
import dev.keel.sweep.Overrides;
import dev.keel.sweep.SweepConfig;
import dev.keel.sweep.SweepSearch;
import dev.keel.sweep.TrialCurve;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code keel agent}: claims trials of one sweep and runs them, up to {@code parallel} at a
 * time, until the sweep has nothing left or {@code count} trials ran. One thread does all store
 * calls, a tick at a time: claim, then for each running trial notice its end, heartbeat, check
 * early termination and timeouts. A store call that fails because the store is unreachable is
 * tried again on a later tick; running programs are never held up by it.
 *
 * <p>Hyperband with {@code max_iter} runs as brackets of synchronous successive halving
 * ({@link HyperbandBrackets}): a trial's program is told, through {@code KEEL_SWEEP_METRIC} and
 * {@code KEEL_SWEEP_PAUSE_AFTER}, after how many values of the metric to stop, and its SDK stops
 * it right after logging that value (its checkpoint saved); the trial is then recorded paused.
 * Once its rung is decided, a promoted trial runs again under the same run with {@code
 * KEEL_RESUME} (a program that saves checkpoints continues where it paused; one that does not
 * starts its training again under the same run), and the others end stopped. Promoted trials
 * take a free slot before new trials are claimed.
 */
public final class Agent {
    private static final long TICK_MS = 100;
    /** How often a running trial's metric is read for an asynchronous early-termination rule. */
    private static final long JUDGE_MS = 250;

    private static final String CANCELED = "the sweep was canceled";
    /** Tries to upload an ended remote trial's run before its metric is read from what arrived. */
    private static final int MAX_UPLOAD_TRIES = 240;

    /**
     * @param count              trials to run at most (0: until the sweep has none left)
     * @param parallel           trials at a time
     * @param trialTimeoutMillis a trial's time limit (0: the sweep's {@code trial_timeout}, else none)
     * @param staleAfterMillis   a trial without a heartbeat this long is crashed
     * @param graceMillis        a stopped program's time to end, and SIGTERM's to work before SIGKILL
     * @param heartbeatMillis    how often each trial is heartbeaten and checked for early termination
     * @param pollMillis         how often to ask again when the sweep says wait
     */
    public record Options(
            int count,
            int parallel,
            long trialTimeoutMillis,
            long staleAfterMillis,
            long graceMillis,
            long heartbeatMillis,
            long pollMillis) {}

    /** What the program's environment gets, besides the trial's own variables. */
    public record Launch(KeelHome home, Path workDir, Map<String, String> env) {}

    private final Store store;
    private final SweepStore sweeps;
    private final String sweepId;
    private final SweepConfig config;
    private final Options options;
    private final Launch launch;
    private final Consumer<String> out;
    private final Consumer<String> notes;
    private final String agentName;
    private final TrialProposer proposer = SweepSearch.proposer();
    private final Optional<EarlyStop> earlyStop;
    private final Optional<HyperbandBrackets> brackets;
    /** When the paused trials are looked at again; a trial pausing here brings it forward. */
    private long nextSettleNanos;

    private final Outage outage;
    private final boolean remote;
    /** Also read by the shutdown hook, hence a copy-on-write list. */
    private final List<Running> running = new CopyOnWriteArrayList<>();

    private final Map<Integer, TrialCurve> endedCurves = new HashMap<>();
    /** Set while the store is unreachable: no store call before then. */
    private long nextCallNanos;
    /** Set when the sweep said wait: no claim before then. */
    private long nextClaimNanos;

    private long nextSweepCheckNanos;
    private String pendingRunId;
    private boolean done;
    private int claimed;
    private int ended;

    public Agent(
            Store store,
            boolean remote,
            Sweep sweep,
            SweepConfig config,
            Options options,
            Optional<EarlyStop> earlyStop,
            Launch launch,
            Consumer<String> out,
            Consumer<String> notes) {
        this.store = store;
        this.sweeps = store.sweeps();
        this.remote = remote;
        this.sweepId = sweep.id();
        this.config = config;
        this.options = options;
        this.launch = launch;
        this.out = out;
        this.notes = notes;
        this.agentName = AgentNames.current();
        this.brackets = HyperbandBrackets.of(config);
        // the brackets decide at rungs themselves; the asynchronous rule would judge the same rungs again
        this.earlyStop = brackets.isPresent() ? Optional.empty() : earlyStop;
        this.outage = new Outage(notes);
    }

    public String name() {
        return agentName;
    }

    /** Runs trials until done; returns how many trials this agent ran. */
    public int run() throws InterruptedException {
        Thread hook = new Thread(this::killAll, "keel-agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            while (true) {
                long now = System.nanoTime();
                if (now >= nextCallNanos) {
                    checkSweep(now);
                    settleBrackets(now);
                    claimWhileRoom();
                }
                for (Running r : List.copyOf(running)) {
                    tend(r, System.nanoTime());
                }
                if (running.isEmpty() && (done || (options.count() > 0 && claimed >= options.count()))) {
                    return ended;
                }
                Thread.sleep(TICK_MS);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook runs
            }
        }
    }

    private void checkSweep(long now) {
        if (now < nextSweepCheckNanos || running.isEmpty()) {
            return;
        }
        nextSweepCheckNanos = now + TimeUnit.MILLISECONDS.toNanos(options.heartbeatMillis());
        Optional<Sweep> s = call(() -> sweeps.sweep(sweepId));
        if (s == null) {
            return;
        }
        SweepState state = s.map(Sweep::state).orElse(SweepState.CANCELED);
        if (state == SweepState.CANCELED) {
            done = true;
            for (Running r : running) {
                kill(r, CANCELED);
            }
        } else if (state.isTerminal()) {
            done = true;
        }
    }

    private void claimWhileRoom() {
        while (!done
                && running.size() < options.parallel()
                && (options.count() == 0 || claimed < options.count())
                && System.nanoTime() >= nextCallNanos
                && System.nanoTime() >= nextClaimNanos) {
            if (pendingRunId == null) {
                pendingRunId = Ids.newRunId();
            }
            String runId = pendingRunId;
            Claim c = call(() ->
                    sweeps.claim(sweepId, agentName, runId, config.runCap(), options.staleAfterMillis(), proposer));
            if (c == null) {
                return;
            }
            if (c instanceof Claim.Granted g) {
                pendingRunId = null;
                claimed++;
                start(
                        g.trial(),
                        brackets.map(b -> b.firstPause(g.trial().number())).orElse(0L),
                        false);
            } else if (c instanceof Claim.Wait) {
                nextClaimNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.pollMillis());
                return;
            } else if (c instanceof Claim.Done d) {
                done = true;
                notes.accept("no more trials: " + d.reason());
            }
        }
    }

    /**
     * Starts the trial's program; {@code pauseAt} is the iteration its bracket pauses it at (0:
     * none), {@code resumed} says it was paused and continues its run.
     */
    private void start(Trial trial, long pauseAt, boolean resumed) {
        List<String> command = new ArrayList<>(config.command());
        command.addAll(Overrides.args(trial.params()));
        Map<String, String> env = new LinkedHashMap<>(launch.env());
        env.put("KEEL_SWEEP", sweepId);
        env.put("KEEL_SWEEP_TRIAL", Integer.toString(trial.number()));
        env.put("KEEL_RUN_ID", trial.runId());
        long done = 0;
        if (resumed) {
            env.put("KEEL_RESUME", trial.runId());
            MetricSeries s = call(() -> history(trial.runId()));
            done = s == null ? 0 : s.size();
        }
        if (pauseAt > 0) {
            env.put("KEEL_SWEEP_METRIC", config.metricName());
            env.put("KEEL_SWEEP_PAUSE_AFTER", Long.toString(Math.max(1, pauseAt - done)));
        }
        String prefix = "[" + trial.number() + "] ";
        notes.accept("trial " + trial.number() + " (run " + trial.runId() + ")"
                + (resumed ? " resumes after iteration " + done : "")
                + (pauseAt > 0 ? ", pauses at iteration " + pauseAt : "")
                + ": " + Overrides.line(trial.params()));
        TrialProcess process;
        try {
            process = TrialProcess.start(
                    command, launch.workDir(), env, options.graceMillis(), line -> out.accept(prefix + line));
        } catch (KeelException e) {
            notes.accept("trial " + trial.number() + ": " + e.getMessage());
            endTrial(new Running(trial, null, System.nanoTime()), TrialState.FAILED, null, e.getMessage());
            return;
        }
        Running r = new Running(trial, process, System.nanoTime());
        r.pauseAt = pauseAt;
        running.add(r);
    }

    /**
     * Hyperband's brackets: resumes the paused trials their rung promoted (while a slot is free)
     * and stops the others. Every agent of the sweep may do it; the store hands a paused trial to
     * exactly one.
     */
    private void settleBrackets(long now) {
        if (brackets.isEmpty() || now < nextSettleNanos) {
            return;
        }
        nextSettleNanos = now + TimeUnit.MILLISECONDS.toNanos(options.pollMillis());
        List<Trial> trials = call(() -> sweeps.trials(sweepId));
        if (trials == null || trials.stream().noneMatch(t -> t.state() == TrialState.PAUSED)) {
            return;
        }
        Optional<Sweep> sweep = call(() -> sweeps.sweep(sweepId));
        if (sweep == null || sweep.isEmpty() || sweep.get().state() != SweepState.RUNNING) {
            return;
        }
        Map<Integer, TrialCurve> curves = new HashMap<>();
        for (Trial t : trials) {
            if (t.runId() == null || t.state() == TrialState.CRASHED) {
                continue;
            }
            TrialCurve c = t.state().isTerminal() ? endedCurves.get(t.number()) : null;
            if (c == null) {
                c = curve(t, t.state().isTerminal());
                if (c == null) {
                    return;
                }
                if (t.state().isTerminal()) {
                    endedCurves.put(t.number(), c);
                }
            }
            curves.put(t.number(), c);
        }
        long counted =
                trials.stream().filter(t -> t.state() != TrialState.CRASHED).count();
        boolean exhausted = (config.runCap() > 0 && counted >= config.runCap())
                || proposer.propose(sweep.get(), trials) instanceof Proposal.Exhausted;
        for (HyperbandBrackets.Decision d : brackets.get().decide(trials, curves, exhausted)) {
            if (d.action() == HyperbandBrackets.Action.STOP) {
                Trial t = settleCall(
                        () -> sweeps.end(sweepId, d.number(), agentName, TrialState.STOPPED, null, d.reason()));
                if (t != null) {
                    ended++;
                    notes.accept("trial " + d.number() + " stopped: " + d.reason());
                }
            } else if (running.size() < options.parallel()) {
                Trial t = settleCall(() -> sweeps.resumeTrial(sweepId, d.number(), agentName));
                if (t != null) {
                    notes.accept("trial " + d.number() + " promoted: " + d.reason());
                    start(t, d.pauseAt(), true);
                }
            }
        }
    }

    private void tend(Running r, long now) {
        if (r.pendingEnd != null) {
            if (now >= nextCallNanos) {
                sendEnd(r);
            }
            return;
        }
        if (!r.process.alive()) {
            if (now >= nextCallNanos) {
                finish(r);
            }
            return;
        }
        r.process.enforce(options.graceMillis(), 5_000);
        long timeout = options.trialTimeoutMillis() > 0 ? options.trialTimeoutMillis() : config.trialTimeoutMillis();
        if (timeout > 0 && r.killReason == null && now - r.startedNanos > TimeUnit.MILLISECONDS.toNanos(timeout)) {
            kill(r, "timeout after " + Values.duration(timeout));
        }
        if (r.stopReason != null
                && r.killReason == null
                && !r.stopForced
                && now - r.stopNanos > TimeUnit.MILLISECONDS.toNanos(options.graceMillis())) {
            r.stopForced = true;
            notes.accept("trial " + r.trial.number() + " did not stop within " + Values.duration(options.graceMillis())
                    + " of the request: ending it");
            r.process.kill();
        }
        if (r.stopReason == null
                && r.killReason == null
                && earlyStop.isPresent()
                && !r.lost
                && now >= nextCallNanos
                && now >= r.nextJudgeNanos) {
            // each new value is judged within moments of its logging, so that a stop reaches the
            // program (whose SDK looks right after logging it) before its next iteration starts
            r.nextJudgeNanos = now + TimeUnit.MILLISECONDS.toNanos(JUDGE_MS);
            checkEarlyStop(r);
        }
        if (now < r.nextHeartbeatNanos || now < nextCallNanos || r.lost) {
            return;
        }
        r.nextHeartbeatNanos = now + TimeUnit.MILLISECONDS.toNanos(options.heartbeatMillis());
        Trial stored;
        try {
            stored = sweeps.heartbeat(sweepId, r.trial.number(), agentName);
            outage.ok();
        } catch (KeelException e) {
            if (Outage.passing(e)) {
                nextCallNanos = now + TimeUnit.MILLISECONDS.toNanos(outage.failed(e));
            } else {
                // reaped as crashed, or ended by someone else: the slot is no longer this agent's
                r.lost = true;
                kill(r, e.getMessage());
            }
            return;
        }
        if (stored.reason() != null && !stored.reason().isEmpty() && r.stopReason == null) {
            requested(r, stored.reason());
        }
    }

    private void checkEarlyStop(Running r) {
        TrialCurve current = curve(r.trial, false);
        if (current == null) {
            return;
        }
        long now = System.nanoTime();
        if (current.metricByStep().size() == r.judged && now < r.nextRejudgeNanos) {
            return; // nothing new of its own; the others' progress is looked at once a heartbeat
        }
        r.nextRejudgeNanos = now + TimeUnit.MILLISECONDS.toNanos(options.heartbeatMillis());
        List<Trial> trials = call(() -> sweeps.trials(sweepId));
        if (trials == null) {
            return;
        }
        List<TrialCurve> others = new ArrayList<>();
        for (Trial t : trials) {
            if (t.number() == r.trial.number() || t.runId() == null || t.state() == TrialState.CRASHED) {
                continue;
            }
            TrialCurve c = t.state().isTerminal() ? endedCurves.get(t.number()) : null;
            if (c == null) {
                c = curve(t, t.state().isTerminal());
                if (c == null) {
                    return;
                }
                if (t.state().isTerminal()) {
                    endedCurves.put(t.number(), c);
                }
            }
            others.add(c);
        }
        r.judged = current.metricByStep().size();
        Optional<String> reason = earlyStop.get().check(current, others);
        if (reason.isPresent()) {
            String why = reason.get();
            if (call(() -> {
                        sweeps.requestStop(sweepId, r.trial.number(), why);
                        return Boolean.TRUE;
                    })
                    != null) {
                requested(r, why);
            }
        }
    }

    /** A store call about a paused trial another agent may have settled first: null then. */
    private <T> T settleCall(StoreCall<T> c) {
        try {
            return call(c);
        } catch (KeelException e) {
            if (e.code() != KeelException.ErrorCode.INVALID_PARAMETER_VALUE) {
                throw e;
            }
            return null;
        }
    }

    private TrialCurve curve(Trial t, boolean isEnded) {
        MetricSeries s = call(() -> history(t.runId()));
        if (s == null) {
            return null;
        }
        // the rule's iteration is how many times the metric was logged (as W&B counts it), so
        // min_iter and eta read in epochs whatever the program's step counts (batches, samples)
        TreeMap<Long, Double> byIteration = new TreeMap<>();
        for (int i = 0; i < s.size(); i++) {
            byIteration.put(i + 1L, s.values()[i]);
        }
        return new TrialCurve(t.number(), byIteration, isEnded);
    }

    /** The metric's series; empty while the program has not created its run yet. */
    private MetricSeries history(String runId) {
        try {
            return store.history(runId, config.metricName());
        } catch (KeelException e) {
            if (e.code() != KeelException.ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw e;
            }
            return new MetricSeries(config.metricName(), new long[0], new double[0], new long[0]);
        }
    }

    private void requested(Running r, String reason) {
        r.stopReason = reason;
        r.stopNanos = System.nanoTime();
        notes.accept("trial " + r.trial.number() + ": stop requested: " + reason);
    }

    private void kill(Running r, String reason) {
        if (r.killReason == null) {
            r.killReason = reason;
            notes.accept("trial " + r.trial.number() + ": killing it: " + reason);
        }
        if (r.process != null) {
            r.process.kill();
        }
    }

    private void finish(Running r) {
        if (!r.exited) {
            r.process.drain(2_000);
            r.exit = r.process.exitValue();
            r.exited = true;
        }
        int exit = r.exit;
        if (r.lost) {
            notes.accept("trial " + r.trial.number() + " ended (exit " + exit + "); not recorded: " + r.killReason);
            running.remove(r);
            return;
        }
        if (remote && !uploaded(r)) {
            return; // tried again on a later tick
        }
        if (r.killReason == null && !r.lastLook) {
            // The SDK ends a program early once a stop was requested or its sweep canceled, maybe
            // before this agent's next heartbeat heard of it: the program ended by that, not on its own.
            Optional<Sweep> s = call(() -> sweeps.sweep(sweepId));
            Optional<Trial> stored = s == null ? null : call(() -> sweeps.trialOfRun(r.trial.runId()));
            if (stored == null) {
                return;
            }
            r.lastLook = true;
            if (s.isEmpty() || s.get().state() == SweepState.CANCELED) {
                r.killReason = CANCELED;
                done = true;
            } else if (r.stopReason == null
                    && stored.isPresent()
                    && stored.get().reason() != null
                    && !stored.get().reason().isEmpty()) {
                r.stopReason = stored.get().reason();
            }
        }
        MetricSeries s = call(() -> history(r.trial.runId()));
        if (s == null) {
            return;
        }
        Double last = s.size() > 0 ? s.values()[s.size() - 1] : null;
        if (r.pauseAt > 0 && r.killReason == null && r.stopReason == null && exit == 0 && s.size() >= r.pauseAt) {
            Optional<RunInfo> run = call(() -> store.run(r.trial.runId()));
            if (run == null) {
                return;
            }
            if (run.isPresent() && run.get().state() == RunState.STOPPED) {
                // its SDK stopped it at the rung: the bracket decides whether it goes on
                nextSettleNanos = System.nanoTime();
                endTrial(
                        r,
                        TrialState.PAUSED,
                        last,
                        "paused at iteration " + s.size() + ", a rung of its Hyperband"
                                + " bracket, until the bracket's other trials get there");
                return;
            }
        }
        if (r.killReason != null) {
            endTrial(r, TrialState.KILLED, last, r.killReason);
        } else if (r.stopReason != null) {
            endTrial(r, TrialState.STOPPED, last, r.stopReason);
        } else if (exit != 0) {
            endTrial(r, TrialState.FAILED, last, "exit " + exit);
        } else if (last == null) {
            endTrial(r, TrialState.NO_METRIC, null, "the program never logged " + config.metricName());
        } else {
            endTrial(r, TrialState.FINISHED, last, "");
        }
    }

    /**
     * A remote program uploads its run as it goes; what it had not sent when it ended (the
     * server was down, or it ended between two uploads) the agent sends from the same Keel folder,
     * so the trial's metric is read from a complete run. False while the server does not take it.
     */
    private boolean uploaded(Running r) {
        if (r.synced || !Files.exists(launch.home().eventLog(r.trial.runId()))) {
            return true;
        }
        if (System.nanoTime() < r.nextUploadNanos) {
            return false;
        }
        Sync.Outcome o =
                Sync.run(launch.home(), null, store, List.of(r.trial.runId())).get(0);
        if (o.complete() || o.problem() == null || ++r.uploadTries >= MAX_UPLOAD_TRIES) {
            if (!o.complete() && o.problem() != null) {
                notes.accept("trial " + r.trial.number() + ": its run was not fully uploaded: " + o.problem());
            }
            r.synced = true;
            return true;
        }
        r.nextUploadNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Outage.MAX_DELAY_MS / 4);
        return false;
    }

    private void endTrial(Running r, TrialState state, Double metric, String reason) {
        r.pendingEnd = new End(state, metric, reason);
        if (!running.contains(r)) {
            running.add(r);
        }
        sendEnd(r);
    }

    private void sendEnd(Running r) {
        End e = r.pendingEnd;
        try {
            sweeps.end(sweepId, r.trial.number(), agentName, e.state, e.metric, e.reason);
            outage.ok();
        } catch (KeelException ex) {
            if (Outage.passing(ex)) {
                nextCallNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(outage.failed(ex));
                return;
            }
            notes.accept("trial " + r.trial.number() + ": its end (" + e.state.label() + ") was not recorded: "
                    + ex.getMessage());
        }
        running.remove(r);
        if (e.state != TrialState.PAUSED) {
            ended++;
        }
        notes.accept("trial " + r.trial.number() + " " + e.state.label()
                + (e.metric == null ? "" : ": " + config.metricName() + " " + Values.brief(e.metric))
                + (e.reason == null || e.reason.isEmpty() ? "" : " (" + e.reason + ")"));
    }

    /** A store call; null when the store is unreachable (the outage is noted and the next call waits). */
    private <T> T call(StoreCall<T> c) {
        try {
            T value = c.call();
            outage.ok();
            return value;
        } catch (KeelException e) {
            if (!Outage.passing(e)) {
                throw e;
            }
            nextCallNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(outage.failed(e));
            return null;
        }
    }

    /** On SIGTERM or SIGINT: the programs get theirs, and their trials end as killed where the store answers. */
    private void killAll() {
        for (Running r : List.copyOf(running)) {
            if (r.process != null && r.pendingEnd == null) {
                r.process.kill();
                try {
                    sweeps.end(sweepId, r.trial.number(), agentName, TrialState.KILLED, null, "the agent was stopped");
                } catch (RuntimeException ignored) {
                    // the trial will read crashed once its heartbeat is stale
                }
            }
        }
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T call();
    }

    private record End(TrialState state, Double metric, String reason) {}

    private static final class Running {
        final Trial trial;
        final TrialProcess process;
        final long startedNanos;
        long nextHeartbeatNanos;
        /** The iteration its bracket pauses it at; 0 when none. */
        long pauseAt;
        /** When its metric is next read for the early-termination rule, and how many values were judged. */
        long nextJudgeNanos;

        long nextRejudgeNanos;
        int judged;

        String stopReason;
        long stopNanos;
        boolean stopForced;
        String killReason;
        boolean lost;
        End pendingEnd;
        boolean exited;
        int exit;
        boolean synced;
        boolean lastLook;
        int uploadTries;
        long nextUploadNanos;

        Running(Trial trial, TrialProcess process, long startedNanos) {
            this.trial = trial;
            this.process = process;
            this.startedNanos = startedNanos;
            this.nextHeartbeatNanos = startedNanos;
        }
    }
}
