package dev.keel.store.sql;

import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.store.Store;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialProposer;
import dev.keel.core.sweep.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link SweepStore} must do, written once and run on every back end: SQLite,
 * PostgreSQL, and the remote store talking to a real server. The sweeps are grids over one
 * parameter {@code x} in a configuration the real search reads too, so a server that proposes
 * with its own search hands out the same trials as {@link #GRID} does here.
 */
public abstract class SweepStoreContractTest {
    /** Long enough that no trial of a test goes stale unless the test waits for it. */
    protected static final long FRESH = 600_000;

    private static final Pattern VALUES = Pattern.compile("values: \\[([^]]*)]");

    /**
     * The grid the configurations below describe: the first value of {@code x} that no trial
     * holds (a crashed trial's value is open again), and exhausted when none is left.
     */
    protected static final TrialProposer GRID = (sweep, trials) -> {
        Matcher m = VALUES.matcher(sweep.config());
        assertTrue(m.find(), sweep.config());
        for (String v : m.group(1).split(",")) {
            long x = Long.parseLong(v.strip());
            boolean taken = trials.stream()
                    .anyMatch(t -> t.state() != TrialState.CRASHED
                            && ((Number) t.params().get("x")).longValue() == x);
            if (!taken) {
                return Proposal.next(Map.of("x", x));
            }
        }
        return Proposal.exhausted("every point of the grid was tried");
    };

    protected Store store;
    protected SweepStore sweeps;
    private final List<Store> others = new ArrayList<>();

    /** A new, empty store. */
    protected abstract Store newStore() throws Exception;

    /** Another store over the same data as the last {@link #newStore()}, as another process opens it. */
    protected abstract Store openAgain() throws Exception;

    /**
     * Whether a new sweep's owner is the one given to {@link SweepStore#create}; a server makes
     * the caller the owner instead.
     */
    protected boolean keepsTheGivenOwner() {
        return true;
    }

    @BeforeEach
    void open() throws Exception {
        store = newStore();
        sweeps = store.sweeps();
    }

    @AfterEach
    void closeStores() {
        others.forEach(Store::close);
        store.close();
    }

    /** A grid sweep over {@code x = 1…size} with a run cap (0: none). */
    protected Sweep grid(String project, int size, int runCap) {
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= size; i++) {
            values.append(i == 1 ? "" : ", ").append(i);
        }
        String config = "name: grid\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\nparameters:\n  x:\n"
                + "    values: [" + values + "]\n" + (runCap > 0 ? "run_cap: " + runCap + "\n" : "")
                + "command: [./run, train]\n";
        return sweeps.create(project, "grid", config, 7, "ada");
    }

    private static Claim claim(SweepStore s, Sweep sweep, String agent, String runId, int runCap, long stale) {
        return s.claim(sweep.id(), agent, runId, runCap, stale, GRID);
    }

    private Trial granted(Sweep sweep, String agent, int runCap) {
        Claim c = claim(sweeps, sweep, agent, Ids.newRunId(), runCap, FRESH);
        return assertInstanceOf(Claim.Granted.class, c, c.toString()).trial();
    }

    private static long x(Trial t) {
        return ((Number) t.params().get("x")).longValue();
    }

    private static KeelException refused(ErrorCode code, Executable call) {
        KeelException e = assertThrows(KeelException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    // ---- sweeps

    @Test
    void createdSweepReadsBackRunningWithItsConfigAndSeed() {
        Sweep s = grid("proj", 3, 0);
        assertTrue(Ids.isRunId(s.id()), s.id());
        assertEquals(SweepState.RUNNING, s.state());
        assertEquals("proj", s.project());
        if (keepsTheGivenOwner()) {
            assertEquals("ada", s.owner());
        }
        assertEquals(7, s.seed());
        assertEquals(s, sweeps.sweep(s.id()).orElseThrow());
        assertTrue(sweeps.sweep("zzzzzzzz").isEmpty());
        assertEquals(List.of(), sweeps.trials(s.id()));
    }

    @Test
    void sweepsListNewestFirstPerProject() throws Exception {
        Sweep a = grid("p1", 1, 0);
        Thread.sleep(5);
        Sweep b = grid("p1", 1, 0);
        Sweep c = grid("p2", 1, 0);
        assertEquals(List.of(b.id(), a.id()), ids(sweeps.sweeps("p1")));
        assertEquals(List.of(c.id()), ids(sweeps.sweeps("p2")));
        assertEquals(Set.of(a.id(), b.id(), c.id()), new HashSet<>(ids(sweeps.sweeps(null))));
        assertEquals(List.of(), sweeps.sweeps("nobody"));
    }

    private static List<String> ids(List<Sweep> list) {
        return list.stream().map(Sweep::id).toList();
    }

    // ---- claims

    @Test
    void claimsHandOutNumberedTrialsHeldByTheirAgentAndRun() {
        Sweep s = grid("proj", 3, 0);
        String run = Ids.newRunId();
        Trial t1 = assertInstanceOf(Claim.Granted.class, claim(sweeps, s, "host:1", run, 0, FRESH))
                .trial();
        Trial t2 = granted(s, "host:2", 0);
        assertEquals(1, t1.number());
        assertEquals(2, t2.number());
        assertEquals(Map.of("x", 1L), Map.of("x", x(t1)));
        assertEquals(2, x(t2));
        assertEquals(TrialState.RUNNING, t1.state());
        assertEquals("host:1", t1.agent());
        assertEquals(run, t1.runId());
        assertEquals("", t1.reason());
        assertNull(t1.metric());
        assertTrue(t1.claimedMillis() > 0 && t1.heartbeatMillis() == t1.claimedMillis());
        assertEquals(List.of(t1, t2), sweeps.trials(s.id()));
        assertEquals(t1, sweeps.trialOfRun(run).orElseThrow());
        assertTrue(sweeps.trialOfRun(Ids.newRunId()).isEmpty());
    }

    @Test
    void aRetriedClaimReturnsTheSameTrialNeverASecond() {
        Sweep s = grid("proj", 3, 0);
        String run = Ids.newRunId();
        Trial first = ((Claim.Granted) claim(sweeps, s, "a", run, 0, FRESH)).trial();
        Claim again = claim(sweeps, s, "a", run, 0, FRESH);
        assertEquals(first, assertInstanceOf(Claim.Granted.class, again).trial());
        assertEquals(1, sweeps.trials(s.id()).size());

        KeelException other = refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> claim(sweeps, s, "b", run, 0, FRESH));
        assertTrue(
                other.getMessage().contains("run " + run + " already carries trial 1 of sweep " + s.id()),
                other.getMessage());
        Sweep s2 = grid("proj", 3, 0);
        refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> claim(sweeps, s2, "a", run, 0, FRESH));
        assertEquals(List.of(), sweeps.trials(s2.id()));
    }

    @Test
    void claimsRefuseBadInputAndUnknownSweeps() {
        Sweep s = grid("proj", 3, 0);
        KeelException bad = refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> claim(sweeps, s, "a", "RUN!", 0, FRESH));
        assertTrue(bad.getMessage().contains("'RUN!' is not a run id"), bad.getMessage());
        refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> claim(sweeps, s, " ", Ids.newRunId(), 0, FRESH));
        KeelException none = refused(
                ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> sweeps.claim("zzzzzzzz", "a", Ids.newRunId(), 0, FRESH, GRID));
        assertTrue(none.getMessage().contains("sweep") && none.getMessage().contains("zzzzzzzz"), none.getMessage());
    }

    @Test
    void anExhaustedSearchWaitsForRunningTrialsThenFinishesWhenTheLastEnds() {
        Sweep s = grid("proj", 2, 0);
        Trial t1 = granted(s, "a", 0);
        Trial t2 = granted(s, "a", 0);
        Claim wait = claim(sweeps, s, "b", Ids.newRunId(), 0, FRESH);
        assertTrue(
                assertInstanceOf(Claim.Wait.class, wait).reason().contains("2 trial(s) still running"),
                wait.toString());
        sweeps.end(s.id(), t1.number(), "a", TrialState.FINISHED, 0.5, null);
        assertEquals(SweepState.RUNNING, sweeps.sweep(s.id()).orElseThrow().state());
        sweeps.end(s.id(), t2.number(), "a", TrialState.FAILED, null, "exit 1");
        assertEquals(SweepState.FINISHED, sweeps.sweep(s.id()).orElseThrow().state());
        Claim done = claim(sweeps, s, "b", Ids.newRunId(), 0, FRESH);
        assertTrue(assertInstanceOf(Claim.Done.class, done).reason().contains("finished"), done.toString());
        assertEquals(2, sweeps.trials(s.id()).size());
    }

    @Test
    void theRunCapEndsTheSweepOnceItsTrialsEnded() {
        Sweep s = grid("proj", 10, 2);
        Trial t1 = granted(s, "a", 2);
        Trial t2 = granted(s, "a", 2);
        Claim wait = claim(sweeps, s, "a", Ids.newRunId(), 2, FRESH);
        assertTrue(assertInstanceOf(Claim.Wait.class, wait).reason().contains("run cap of 2"), wait.toString());
        sweeps.end(s.id(), t1.number(), "a", TrialState.FINISHED, 1.0, null);
        sweeps.end(s.id(), t2.number(), "a", TrialState.NO_METRIC, null, "");
        assertEquals(SweepState.FINISHED, sweeps.sweep(s.id()).orElseThrow().state());
        assertInstanceOf(Claim.Done.class, claim(sweeps, s, "a", Ids.newRunId(), 2, FRESH));
    }

    @Test
    void aCrashedPointIsOfferedAgainAndTheSweepFinishesAtTheClaimThatFindsNothingLeft() {
        Sweep s = grid("proj", 1, 0);
        Trial t = granted(s, "a", 0);
        // a crashed end opens the point again: the next claim hands it out anew
        sweeps.end(s.id(), t.number(), "a", TrialState.CRASHED, null, "lost");
        Trial again = granted(s, "a", 0);
        assertEquals(2, again.number());
        assertEquals(1, x(again));
        sweeps.end(s.id(), again.number(), "a", TrialState.FINISHED, 3.0, null);
        // no claim has found the grid used up yet: the next one does, and finishes the sweep
        assertEquals(SweepState.RUNNING, sweeps.sweep(s.id()).orElseThrow().state());
        Claim done = claim(sweeps, s, "a", Ids.newRunId(), 0, FRESH);
        assertTrue(assertInstanceOf(Claim.Done.class, done).reason().contains("is finished"), done.toString());
        assertEquals(SweepState.FINISHED, sweeps.sweep(s.id()).orElseThrow().state());
    }

    // ---- staleness

    @Test
    void aSilentAgentsTrialIsReapedCrashedAndItsSlotOfferedAgain() throws Exception {
        Sweep s = grid("proj", 5, 1);
        Trial lost = granted(s, "dead-agent", 1);
        assertInstanceOf(Claim.Wait.class, claim(sweeps, s, "b", Ids.newRunId(), 1, FRESH));
        Thread.sleep(60);
        Trial next = assertInstanceOf(Claim.Granted.class, claim(sweeps, s, "b", Ids.newRunId(), 1, 20))
                .trial();
        assertEquals(2, next.number());
        assertEquals(x(lost), x(next), "the crashed trial's point is offered again");
        Trial crashed = sweeps.trials(s.id()).get(0);
        assertEquals(TrialState.CRASHED, crashed.state());
        assertTrue(crashed.reason().contains("no heartbeat from agent dead-agent"), crashed.reason());
        assertTrue(crashed.endedMillis() >= crashed.heartbeatMillis());

        KeelException beat =
                refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> sweeps.heartbeat(s.id(), 1, "dead-agent"));
        assertTrue(beat.getMessage().contains("already ended as crashed"), beat.getMessage());
        refused(
                ErrorCode.INVALID_PARAMETER_VALUE,
                () -> sweeps.end(s.id(), 1, "dead-agent", TrialState.FINISHED, 1.0, ""));
    }

    @Test
    void aHeartbeatKeepsATrialFromBeingReaped() throws Exception {
        Sweep s = grid("proj", 5, 0);
        Trial alive = granted(s, "a", 0);
        Trial silent = granted(s, "b", 0);
        Thread.sleep(1_000);
        Trial beat = sweeps.heartbeat(s.id(), alive.number(), "a");
        assertEquals(TrialState.RUNNING, beat.state());
        long silence = beat.heartbeatMillis() - silent.heartbeatMillis();
        assertTrue(silence >= 1_000, "the store's clock moved " + silence + " ms in a second");
        // stale after just under b's silence: b is reaped, a (heard from just now) is not
        Claim c = claim(sweeps, s, "c", Ids.newRunId(), 0, silence - 1);
        assertEquals(
                3,
                assertInstanceOf(Claim.Granted.class, c, c.toString()).trial().number());
        List<Trial> trials = sweeps.trials(s.id());
        assertEquals(TrialState.RUNNING, trials.get(0).state());
        assertEquals(TrialState.CRASHED, trials.get(1).state());
    }

    // ---- heartbeats, stops and ends

    @Test
    void heartbeatsAreRefusedForOtherAgentsAndUnknownTrials() {
        Sweep s = grid("proj", 5, 0);
        Trial t = granted(s, "a", 0);
        KeelException other = refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> sweeps.heartbeat(s.id(), 1, "b"));
        assertTrue(other.getMessage().contains("held by agent a, not b"), other.getMessage());
        KeelException missing = refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> sweeps.heartbeat(s.id(), 9, "a"));
        assertTrue(missing.getMessage().contains("has no trial 9"), missing.getMessage());
        refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> sweeps.heartbeat("zzzzzzzz", 1, "a"));
        sweeps.end(s.id(), t.number(), "a", TrialState.FINISHED, 0.1, null);
        KeelException ended = refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> sweeps.heartbeat(s.id(), 1, "a"));
        assertTrue(ended.getMessage().contains("already ended as finished"), ended.getMessage());
    }

    @Test
    void aStopRequestIsSeenByHeartbeatAndByTheRunsTrialAndKeptAtTheEnd() {
        Sweep s = grid("proj", 5, 0);
        Trial t = granted(s, "a", 0);
        sweeps.requestStop(s.id(), t.number(), "hyperband: loss 0.9 at step 3 is worse than the rung's best 1/3");
        sweeps.requestStop(s.id(), t.number(), "a later reason");
        Trial beat = sweeps.heartbeat(s.id(), t.number(), "a");
        assertEquals(TrialState.RUNNING, beat.state());
        assertTrue(beat.reason().startsWith("hyperband:"), beat.reason());
        assertEquals(beat.reason(), sweeps.trialOfRun(t.runId()).orElseThrow().reason());
        Trial ended = sweeps.end(s.id(), t.number(), "a", TrialState.STOPPED, 0.9, null);
        assertEquals(TrialState.STOPPED, ended.state());
        assertEquals(0.9, ended.metric());
        assertTrue(ended.reason().startsWith("hyperband:"), ended.reason());
        // asking an ended trial to stop changes nothing
        sweeps.requestStop(s.id(), t.number(), "too late");
        assertEquals(ended, sweeps.trialOfRun(t.runId()).orElseThrow());
        refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> sweeps.requestStop(s.id(), t.number(), " "));
        refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> sweeps.requestStop(s.id(), 42, "why"));
    }

    @Test
    void endsRecordHowTheTrialEndedAndAreRefusedOnce() {
        Sweep s = grid("proj", 5, 0);
        Trial t = granted(s, "a", 0);
        refused(
                ErrorCode.INVALID_PARAMETER_VALUE,
                () -> sweeps.end(s.id(), t.number(), "a", TrialState.RUNNING, null, ""));
        KeelException other = refused(
                ErrorCode.INVALID_PARAMETER_VALUE,
                () -> sweeps.end(s.id(), t.number(), "b", TrialState.FAILED, null, ""));
        assertTrue(other.getMessage().contains("held by agent a"), other.getMessage());
        Trial ended = sweeps.end(s.id(), t.number(), "a", TrialState.FINISHED, 0.25, "");
        assertEquals(TrialState.FINISHED, ended.state());
        assertEquals(0.25, ended.metric());
        assertTrue(ended.endedMillis() >= ended.claimedMillis());
        // the same end again (its answer was lost) is the same trial; a different one is refused
        assertEquals(ended, sweeps.end(s.id(), t.number(), "a", TrialState.FINISHED, 0.25, ""));
        KeelException twice = refused(
                ErrorCode.INVALID_PARAMETER_VALUE,
                () -> sweeps.end(s.id(), t.number(), "a", TrialState.KILLED, null, ""));
        assertTrue(
                twice.getMessage().contains("already ended as finished and cannot end again as killed"),
                twice.getMessage());
        refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> sweeps.end(s.id(), 7, "a", TrialState.FAILED, null, ""));
    }

    @Test
    void aNonFiniteMetricIsStoredAsNone() {
        Sweep s = grid("proj", 5, 0);
        Trial t = granted(s, "a", 0);
        assertNull(sweeps.end(s.id(), t.number(), "a", TrialState.FINISHED, Double.NaN, "")
                .metric());
    }

    // ---- sweep states

    @Test
    void pauseWaitsResumeGoesOnStopEndsTheHandingOut() {
        Sweep s = grid("proj", 5, 0);
        assertEquals(
                SweepState.PAUSED, sweeps.setState(s.id(), SweepState.PAUSED).state());
        Claim paused = claim(sweeps, s, "a", Ids.newRunId(), 0, FRESH);
        assertTrue(assertInstanceOf(Claim.Wait.class, paused).reason().contains("paused"), paused.toString());
        assertEquals(
                SweepState.RUNNING, sweeps.setState(s.id(), SweepState.RUNNING).state());
        Trial t = granted(s, "a", 0);
        Sweep stopped = sweeps.setState(s.id(), SweepState.STOPPED);
        assertEquals(SweepState.STOPPED, stopped.state());
        assertTrue(stopped.updatedMillis() >= s.updatedMillis());
        assertInstanceOf(Claim.Done.class, claim(sweeps, s, "a", Ids.newRunId(), 0, FRESH));
        // a stopped sweep lets its running trial finish
        assertEquals("", sweeps.heartbeat(s.id(), t.number(), "a").reason());
        sweeps.end(s.id(), t.number(), "a", TrialState.FINISHED, 1.0, null);
        assertEquals(SweepState.STOPPED, sweeps.sweep(s.id()).orElseThrow().state());
    }

    @Test
    void terminalStatesAreNotLeftAndTheSameStateIsNoChange() {
        Sweep s = grid("proj", 5, 0);
        sweeps.setState(s.id(), SweepState.STOPPED);
        assertEquals(
                SweepState.STOPPED, sweeps.setState(s.id(), SweepState.STOPPED).state());
        KeelException e = refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> sweeps.setState(s.id(), SweepState.RUNNING));
        assertTrue(
                e.getMessage().contains("sweep " + s.id() + " is stopped and cannot become running"), e.getMessage());
        refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> sweeps.setState(s.id(), SweepState.PAUSED));
        // stopping and then canceling kills what still runs
        assertEquals(
                SweepState.CANCELED,
                sweeps.setState(s.id(), SweepState.CANCELED).state());
        refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> sweeps.setState(s.id(), SweepState.STOPPED));
        refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> sweeps.setState("zzzzzzzz", SweepState.PAUSED));

        Sweep f = grid("proj", 1, 0);
        Trial t = granted(f, "a", 0);
        sweeps.end(f.id(), t.number(), "a", TrialState.FINISHED, 1.0, null);
        assertInstanceOf(Claim.Done.class, claim(sweeps, f, "a", Ids.newRunId(), 0, FRESH));
        assertEquals(SweepState.FINISHED, sweeps.sweep(f.id()).orElseThrow().state());
        refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> sweeps.setState(f.id(), SweepState.RUNNING));
    }

    @Test
    void cancelingASweepAsksItsRunningTrialsToStop() {
        Sweep s = grid("proj", 5, 0);
        Trial t = granted(s, "a", 0);
        sweeps.setState(s.id(), SweepState.CANCELED);
        Trial beat = sweeps.heartbeat(s.id(), t.number(), "a");
        assertTrue(beat.reason().contains("canceled"), beat.reason());
        assertEquals(beat.reason(), sweeps.trialOfRun(t.runId()).orElseThrow().reason());
        Claim done = claim(sweeps, s, "b", Ids.newRunId(), 0, FRESH);
        assertTrue(assertInstanceOf(Claim.Done.class, done).reason().contains("canceled"), done.toString());
        assertEquals(
                TrialState.KILLED,
                sweeps.end(s.id(), t.number(), "a", TrialState.KILLED, null, "canceled")
                        .state());
    }

    // ---- Hyperband's pauses

    @Test
    void aPausedTrialHoldsNoSlotKeepsTheSweepOpenAndIsResumedByExactlyOneAgent() {
        Sweep s = grid("proj", 2, 0);
        Trial t1 = granted(s, "a", 0);
        Trial t2 = granted(s, "a", 0);
        Trial paused = sweeps.end(s.id(), t1.number(), "a", TrialState.PAUSED, 0.7, "paused at iteration 1");
        assertEquals(TrialState.PAUSED, paused.state());
        assertEquals(0.7, paused.metric());
        refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> sweeps.heartbeat(s.id(), t1.number(), "a"));
        sweeps.end(s.id(), t2.number(), "a", TrialState.STOPPED, 0.9, "its bracket dropped it");
        Claim wait = claim(sweeps, s, "b", Ids.newRunId(), 0, 1);
        assertTrue(
                assertInstanceOf(Claim.Wait.class, wait).reason().contains("paused at a rung"),
                "the search is exhausted but a paused trial may go on: " + wait);
        assertEquals(TrialState.PAUSED, sweeps.trials(s.id()).get(0).state(), "never reaped: it has no heartbeat");
        assertEquals(SweepState.RUNNING, sweeps.sweep(s.id()).orElseThrow().state());

        Trial resumed = sweeps.resumeTrial(s.id(), t1.number(), "b");
        assertEquals(TrialState.RUNNING, resumed.state());
        assertEquals("b", resumed.agent(), "the agent that took it back holds it");
        assertEquals(t1.runId(), resumed.runId(), "under the same run");
        assertEquals("", resumed.reason());
        assertTrue(refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> sweeps.resumeTrial(s.id(), t1.number(), "c"))
                .getMessage()
                .contains("not paused"));
        sweeps.heartbeat(s.id(), t1.number(), "b");
        sweeps.end(s.id(), t1.number(), "b", TrialState.FINISHED, 0.95, null);
        assertEquals(SweepState.FINISHED, sweeps.sweep(s.id()).orElseThrow().state());
        refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> sweeps.resumeTrial(s.id(), t2.number(), "b"));
    }

    @Test
    void anyAgentEndsAPausedTrialItsBracketDroppedKeepingItsValue() {
        Sweep s = grid("proj", 1, 0);
        Trial t = granted(s, "a", 0);
        sweeps.end(s.id(), t.number(), "a", TrialState.PAUSED, 0.4, "paused at iteration 3");
        Trial stopped = sweeps.end(s.id(), t.number(), "b", TrialState.STOPPED, null, "hyperband: not among the best");
        assertEquals(TrialState.STOPPED, stopped.state());
        assertEquals(0.4, stopped.metric(), "the value it reached at its rung");
        assertEquals("hyperband: not among the best", stopped.reason());
        refused(
                ErrorCode.INVALID_PARAMETER_VALUE,
                () -> sweeps.end(s.id(), t.number(), "b", TrialState.STOPPED, 0.1, ""));
        Claim done = claim(sweeps, s, "a", Ids.newRunId(), 0, FRESH);
        assertInstanceOf(Claim.Done.class, done, done.toString());
    }

    @Test
    void cancelingOrStoppingASweepEndsItsPausedTrials() {
        Sweep s = grid("proj", 3, 0);
        Trial t = granted(s, "a", 0);
        sweeps.end(s.id(), t.number(), "a", TrialState.PAUSED, 0.4, "paused");
        sweeps.setState(s.id(), SweepState.CANCELED);
        Trial killed = sweeps.trials(s.id()).get(0);
        assertEquals(TrialState.KILLED, killed.state());
        assertTrue(killed.reason().contains("canceled"), killed.reason());

        Sweep other = grid("proj", 3, 0);
        Trial u = granted(other, "a", 0);
        sweeps.end(other.id(), u.number(), "a", TrialState.PAUSED, 0.4, "paused");
        sweeps.setState(other.id(), SweepState.STOPPED);
        assertEquals(TrialState.STOPPED, sweeps.trials(other.id()).get(0).state());
        assertEquals(0.4, sweeps.trials(other.id()).get(0).metric());
    }

    // ---- exactly once, across store instances

    /** How many times each race runs; a back end over HTTP may run fewer. */
    protected int races() {
        return 25;
    }

    @Test
    void racingClaimsForTheLastSlotOfARunCapHaveExactlyOneWinner() throws Exception {
        int contenders = 4;
        List<SweepStore> racers = racers(contenders);
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            for (int round = 0; round < races(); round++) {
                Sweep s = grid("race", 50, 2);
                granted(s, "first", 2);
                List<Claim> claims = race(pool, racers, s, 2);
                long winners =
                        claims.stream().filter(c -> c instanceof Claim.Granted).count();
                assertEquals(1, winners, "round " + round + ": " + claims);
                claims.stream()
                        .filter(c -> !(c instanceof Claim.Granted))
                        .forEach(c -> assertInstanceOf(Claim.Wait.class, c));
                List<Trial> trials = sweeps.trials(s.id());
                assertEquals(List.of(1, 2), trials.stream().map(Trial::number).toList(), "round " + round);
                assertEquals(2, trials.stream().map(t -> x(t)).distinct().count());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void racingClaimsWithoutACapEachGetTheirOwnTrial() throws Exception {
        int contenders = 4;
        List<SweepStore> racers = racers(contenders);
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            for (int round = 0; round < races(); round++) {
                Sweep s = grid("race", 50, 0);
                List<Claim> claims = race(pool, racers, s, 0);
                Set<Integer> numbers = new HashSet<>();
                for (Claim c : claims) {
                    numbers.add(assertInstanceOf(Claim.Granted.class, c, c.toString())
                            .trial()
                            .number());
                }
                assertEquals(Set.of(1, 2, 3, 4), numbers, "round " + round);
                assertEquals(
                        4,
                        sweeps.trials(s.id()).stream().map(t -> x(t)).distinct().count());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private List<SweepStore> racers(int n) throws Exception {
        List<SweepStore> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Store other = openAgain();
            others.add(other);
            out.add(other.sweeps());
        }
        return out;
    }

    private static List<Claim> race(ExecutorService pool, List<SweepStore> racers, Sweep s, int runCap)
            throws Exception {
        CyclicBarrier start = new CyclicBarrier(racers.size());
        List<Future<Claim>> futures = new ArrayList<>();
        for (int i = 0; i < racers.size(); i++) {
            SweepStore racer = racers.get(i);
            String agent = "racer-" + i;
            futures.add(pool.submit(() -> {
                start.await();
                return claim(racer, s, agent, Ids.newRunId(), runCap, FRESH);
            }));
        }
        List<Claim> out = new ArrayList<>();
        for (Future<Claim> f : futures) {
            out.add(f.get());
        }
        return out;
    }
}
