package dev.keel.store.sql;

import dev.keel.core.Ids;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One damaged trial or sweep row is read as what it can be; the rest of the sweep reads and claims as before. */
class SweepDamagedRowTest {
    private static final String CONFIG = "name: s\nmethod: random\nmetric: {name: loss, goal: minimize}\n"
            + "parameters:\n  x: {values: [1, 2]}\ncommand: [./run]\n";

    @TempDir
    Path dir;

    @Test
    void aTrialRowThatCannotBeReadReadsAsFailedAndTheOthersStayReadable() throws Exception {
        Path db = dir.resolve("keel.db");
        String sweepId;
        try (SqliteStore store = new SqliteStore(db)) {
            Sweep sweep = store.sweeps().create("p", "s", CONFIG, 7, "");
            sweepId = sweep.id();
            for (int i = 0; i < 2; i++) {
                store.sweeps().claim(sweepId, "a", Ids.newRunId(), 0, 0, (s, t) -> Proposal.next(Map.of("x", 1L)));
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE sweep_trials SET params = '{not json', state = 'teleported' WHERE number = 1");
        }
        try (SqliteStore store = new SqliteStore(db)) {
            List<Trial> trials = store.sweeps().trials(sweepId);
            assertEquals(2, trials.size(), trials.toString());
            Trial bad = trials.get(0);
            assertEquals(TrialState.FAILED, bad.state(), bad.toString());
            assertTrue(bad.reason().contains("unreadable trial row"), bad.reason());
            assertEquals(Map.of("x", 1L), trials.get(1).params());
            assertEquals(TrialState.RUNNING, trials.get(1).state());
            Claim next =
                    store.sweeps().claim(sweepId, "a", Ids.newRunId(), 0, 0, (s, t) -> Proposal.next(Map.of("x", 2L)));
            assertEquals(3, assertInstanceOf(Claim.Granted.class, next).trial().number());
        }
    }

    @Test
    void aSweepStateFromANewerKeelReadsAsPausedAndHandsOutNothing() throws Exception {
        Path db = dir.resolve("keel.db");
        String sweepId;
        try (SqliteStore store = new SqliteStore(db)) {
            sweepId = store.sweeps().create("p", "s", CONFIG, 7, "").id();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE sweeps SET state = 'hibernating'");
        }
        try (SqliteStore store = new SqliteStore(db)) {
            assertEquals(
                    SweepState.PAUSED,
                    store.sweeps().sweep(sweepId).orElseThrow().state());
            assertEquals(1, store.sweeps().sweeps("p").size());
            Claim c = store.sweeps().claim(sweepId, "a", Ids.newRunId(), 0, 0, (s, t) -> Proposal.next(Map.of()));
            assertInstanceOf(Claim.Wait.class, c, c.toString());
        }
    }
}
