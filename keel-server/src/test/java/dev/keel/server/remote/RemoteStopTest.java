package dev.keel.server.remote;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import dev.keel.internal.remote.RemoteStore;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A trial on another machine: its run logs to the team server and learns of the stop request there. */
class RemoteStopTest {
    private static final String PROPERTY = "keel.stopCheckIntervalMs";
    private static final String REASON = "median: val_loss 0.65 (best by step 2) is above the median 0.6";

    @TempDir
    Path dir;

    @BeforeAll
    static void fastChecks() {
        System.setProperty(PROPERTY, "50");
    }

    @AfterAll
    static void usualChecks() {
        System.clearProperty(PROPERTY);
    }

    @Test
    void aRemoteTrialSeesTheStopRequestedOnTheServerAndEndsStoppedThere() throws Exception {
        try (KeelServer server = KeelServer.embedded(new KeelHome(dir.resolve("server")), ServerSettings.local(0))
                        .start();
                RemoteStore remote = new RemoteStore(server.url(), null)) {
            SweepStore sweeps = remote.sweeps();
            Sweep sweep = sweeps.create(
                    "remote-trial",
                    "stop",
                    "method: random\nmetric: {name: val_loss, goal: minimize}\ncommand: [./train]\n"
                            + "parameters: {lr: {min: 0.001, max: 0.1}}\n",
                    1,
                    "");
            String id;
            try (Run run = Keel.init(RunOptions.builder()
                    .project("remote-trial")
                    .home(dir.resolve("client"))
                    .server(server.url())
                    .sweep(sweep.id())
                    .systemMetrics(false)
                    .captureConsole(false)
                    .build())) {
                id = run.id();
                Claim claim = sweeps.claim(sweep.id(), "agent-far", id, 0, 600_000, (s, t) -> Proposal.next(Map.of()));
                assertTrue(claim instanceof Claim.Granted, "claim: " + claim);
                Trial trial = ((Claim.Granted) claim).trial();
                run.log(Map.of("val_loss", 0.65));
                assertFalse(run.shouldStop());
                sweeps.requestStop(sweep.id(), trial.number(), REASON);
                long deadline = System.currentTimeMillis() + 30_000;
                while (!run.shouldStop() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(REASON, run.stopReason().orElseThrow(), "seen within 30 s");
            }
            RunInfo info = remote.run(id).orElseThrow();
            assertEquals(RunState.STOPPED, info.state());
            assertEquals(REASON, info.summary().get(RunState.STOP_REASON_KEY));
            assertEquals(sweep.id(), info.sweep());
        }
    }
}
