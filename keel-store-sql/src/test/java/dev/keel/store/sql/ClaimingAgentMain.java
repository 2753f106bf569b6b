package dev.keel.store.sql;

import dev.keel.core.Ids;
import dev.keel.core.store.Store;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.TrialProposer;
import dev.keel.core.sweep.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A child process of {@link SweepClaimProcessesTest}: an agent that, once the go file exists,
 * claims trials of one sweep and ends each at once until the store says the sweep is done,
 * printing {@code claimed NUMBER RUN} per trial. Arguments: database (a SQLite file or a
 * {@code jdbc:postgresql:} URL), sweep id, agent name, go file, run cap.
 */
public final class ClaimingAgentMain {
    /** Each trial's parameter is its place in the history, so two proposals from one history collide. */
    private static final TrialProposer NEXT = (sweep, trials) -> Proposal.next(Map.of("x", (long) trials.size() + 1));

    private ClaimingAgentMain() {}

    public static void main(String[] args) throws Exception {
        String location = args[0];
        String sweepId = args[1];
        String agent = args[2];
        Path go = Path.of(args[3]);
        int runCap = Integer.parseInt(args[4]);
        try (Store store =
                location.startsWith("jdbc:") ? new PostgresStore(location) : new SqliteStore(Path.of(location))) {
            SweepStore sweeps = store.sweeps();
            while (!Files.exists(go)) {
                Thread.sleep(5);
            }
            while (true) {
                Claim c = sweeps.claim(sweepId, agent, Ids.newRunId(), runCap, 60_000, NEXT);
                if (c instanceof Claim.Done) {
                    return;
                }
                if (c instanceof Claim.Granted g) {
                    System.out.println(
                            "claimed " + g.trial().number() + " " + g.trial().runId());
                    sweeps.end(sweepId, g.trial().number(), agent, TrialState.FINISHED, 1.0, null);
                } else {
                    Thread.sleep(5);
                }
            }
        }
    }
}
