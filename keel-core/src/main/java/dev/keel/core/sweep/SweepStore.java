package dev.keel.core.sweep;

import java.util.List;
import java.util.Optional;

/**
 * The sweeps and trials a run store keeps ({@link dev.keel.core.store.Store#sweeps()}). The
 * store is the coordinator: agents on one machine share the embedded store, agents on many
 * machines share a server's database, and {@link #claim} hands each trial out exactly once.
 *
 * <p>Time is the store's clock (milliseconds); a remote store lets the server decide it.
 */
public interface SweepStore {

    /** Stores a new sweep in {@code project} (created when new), in state running. */
    Sweep create(String project, String name, String config, long seed, String owner);

    Optional<Sweep> sweep(String id);

    /** The sweeps of {@code project}, newest first; every project's when {@code project} is null. */
    List<Sweep> sweeps(String project);

    /**
     * Moves a sweep to {@code state}. Refuses (INVALID_PARAMETER_VALUE, naming both states) to
     * leave a terminal state, except that nothing happens when the state is already the target
     * and a stopped sweep may still be canceled (which asks its running trials to stop: their
     * {@link Trial#reason()} is set).
     */
    Sweep setState(String id, SweepState state);

    /** Every trial of the sweep, by number. */
    List<Trial> trials(String sweepId);

    /**
     * Atomically: marks trials whose heartbeat is older than {@code staleAfterMillis} crashed,
     * then, when the sweep is running and its run cap (counting trials that did not crash) is
     * not reached, asks {@code proposer} for parameters and stores trial {@code max + 1} as
     * running, held by {@code agent} and carried by run {@code runId}. {@code runCap} 0 means
     * no cap. Finishes the sweep when nothing is left and nothing runs. A remote store ignores
     * {@code runCap} and {@code proposer}: the server reads the cap from the sweep's configuration
     * and proposes with its own copy of the same search.
     */
    Claim claim(String sweepId, String agent, String runId, int runCap, long staleAfterMillis, TrialProposer proposer);

    /**
     * Says the agent still runs the trial. Returns the trial as stored, so the agent learns of a
     * stop request ({@link Trial#reason()} set while running) or that the sweep was canceled.
     * Fails with RESOURCE_DOES_NOT_EXIST when it is gone and INVALID_PARAMETER_VALUE when
     * another agent holds it or it already ended (reaped as crashed: the agent must stop it).
     */
    Trial heartbeat(String sweepId, int number, String agent);

    /** Asks the trial's program to stop early ({@code run.shouldStop()} turns true). */
    void requestStop(String sweepId, int number, String reason);

    /**
     * Records how the trial ended. Only its holding agent may end a running trial; a second end
     * is refused. {@link TrialState#PAUSED} is the one state that is not an end: the trial's
     * program stopped at a Hyperband rung and the trial waits for its bracket. A paused trial is
     * held by nobody: any agent of the sweep may end it (its bracket dropped it) or take it
     * back with {@link #resumeTrial}.
     */
    Trial end(String sweepId, int number, String agent, TrialState state, Double metric, String reason);

    /**
     * Takes a paused trial back (its bracket promoted it): it runs again, under the same run,
     * held by {@code agent}, its heartbeat now. Exactly one agent gets it: the others are
     * refused (INVALID_PARAMETER_VALUE) because it no longer reads paused.
     */
    Trial resumeTrial(String sweepId, int number, String agent);

    /** The trial carried by {@code runId}, for the SDK's stop check and a run page's sweep link. */
    Optional<Trial> trialOfRun(String runId);
}
