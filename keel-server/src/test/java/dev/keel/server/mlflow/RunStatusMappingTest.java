package dev.keel.server.mlflow;

import dev.keel.core.RunState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keel's run states as MLflow's run statuses, which are fewer. */
class RunStatusMappingTest {
    @Test
    void everyStateIsAnMlflowStatus() {
        for (RunState s : RunState.values()) {
            assertTrue(RunMapping.STATUSES.contains(RunMapping.status(s)), s.label());
        }
    }

    @Test
    void aStoppedTrialReadsKilledAsARunEndedEarlyBySomeoneElse() {
        assertEquals("KILLED", RunMapping.status(RunState.STOPPED));
        assertEquals("FINISHED", RunMapping.status(RunState.FINISHED));
        assertEquals("FAILED", RunMapping.status(RunState.CRASHED));
    }
}
