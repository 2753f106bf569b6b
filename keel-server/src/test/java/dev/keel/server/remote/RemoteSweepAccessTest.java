package dev.keel.server.remote;

import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.data.Visibility;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;
import dev.keel.internal.remote.RemoteStore;
import dev.keel.server.TeamServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sweeps on a team server, through the remote store as agents use it: a sweep belongs to its
 * project, so a caller who may not read the project learns nothing from a sweep's id or a trial's
 * run id (404, as for what does not exist), and one who may read but not write it changes nothing
 * (403).
 */
class RemoteSweepAccessTest {
    private static final String CONFIG = "name: s\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\n"
            + "parameters:\n  x:\n    values: [1, 2, 3]\ncommand: [./run]\n";

    @TempDir
    Path dir;

    @Test
    void aSweepIdGrantsNothingToWhoMayNotReadItsProject() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false);
                RemoteStore owner = new RemoteStore(f.server.url(), f.keys.get("owner"));
                RemoteStore other = new RemoteStore(f.server.url(), f.keys.get("other"))) {
            String project = "secret-" + f.next();
            f.projectWithRun(project, "owner", Visibility.PRIVATE);
            Sweep s = owner.sweeps().create(project, "s", CONFIG, 1, "someone else");
            assertEquals("owner", s.owner(), "the owner is the caller, whatever the client says");
            Trial t = granted(owner.sweeps(), s);

            SweepStore theirs = other.sweeps();
            assertTrue(theirs.sweep(s.id()).isEmpty());
            assertEquals(List.of(), theirs.trials(s.id()));
            assertTrue(theirs.sweeps(null).stream().noneMatch(x -> x.id().equals(s.id())));
            assertTrue(theirs.trialOfRun(t.runId()).isEmpty());
            assertEquals(List.of(), theirs.sweeps(project));
            hidden(() -> theirs.claim(s.id(), "thief", Ids.newRunId(), 0, 30_000, null));
            hidden(() -> theirs.setState(s.id(), SweepState.CANCELED));
            hidden(() -> theirs.heartbeat(s.id(), t.number(), t.agent()));
            hidden(() -> theirs.requestStop(s.id(), t.number(), "mine now"));
            hidden(() -> theirs.end(s.id(), t.number(), t.agent(), TrialState.FAILED, null, "x"));
            // a sweep names its project: creating one in a project the caller may not see is refused as
            // a taken name, which says no more than the name itself
            taken(() -> theirs.create(project, "s2", CONFIG, 1, ""));

            assertEquals(
                    SweepState.RUNNING,
                    owner.sweeps().sweep(s.id()).orElseThrow().state());
            assertEquals(List.of(t), owner.sweeps().trials(s.id()));
            assertEquals(1, owner.sweeps().sweeps(project).size());
        }
    }

    @Test
    void whoMayReadButNotWriteAProjectSeesItsSweepsAndChangesNothing() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false);
                RemoteStore owner = new RemoteStore(f.server.url(), f.keys.get("owner"));
                RemoteStore other = new RemoteStore(f.server.url(), f.keys.get("other"))) {
            String project = "open-" + f.next();
            f.projectWithRun(project, "owner", Visibility.PUBLIC);
            Sweep s = owner.sweeps().create(project, "s", CONFIG, 1, "");
            Trial t = granted(owner.sweeps(), s);

            SweepStore theirs = other.sweeps();
            assertEquals(s, theirs.sweep(s.id()).orElseThrow());
            assertEquals(List.of(t), theirs.trials(s.id()));
            assertEquals(t, theirs.trialOfRun(t.runId()).orElseThrow());
            denied(() -> theirs.claim(s.id(), "thief", Ids.newRunId(), 0, 30_000, null));
            denied(() -> theirs.setState(s.id(), SweepState.PAUSED));
            denied(() -> theirs.heartbeat(s.id(), t.number(), t.agent()));
            denied(() -> theirs.requestStop(s.id(), t.number(), "mine now"));
            denied(() -> theirs.end(s.id(), t.number(), t.agent(), TrialState.FAILED, null, "x"));
            denied(() -> theirs.create(project, "s2", CONFIG, 1, ""));

            assertEquals(List.of(t), owner.sweeps().trials(s.id()));
            assertEquals(
                    SweepState.RUNNING,
                    owner.sweeps().sweep(s.id()).orElseThrow().state());
        }
    }

    @Test
    void anInvalidConfigurationIsRefusedNamingTheKey() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false);
                RemoteStore owner = new RemoteStore(f.server.url(), f.keys.get("owner"))) {
            KeelException e = assertThrows(
                    KeelException.class,
                    () -> owner.sweeps().create("p-" + f.next(), "s", CONFIG.replace("grid", "sideways"), 1, ""));
            assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, e.code());
            assertTrue(e.getMessage().contains("method"), e.getMessage());
        }
    }

    private static Trial granted(SweepStore sweeps, Sweep s) {
        Claim c = sweeps.claim(s.id(), "agent-1", Ids.newRunId(), 0, 30_000, null);
        return assertInstanceOf(Claim.Granted.class, c, c.toString()).trial();
    }

    private static void hidden(Executable call) {
        KeelException e = assertThrows(KeelException.class, call);
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("(or you may not see it)"), e.getMessage());
    }

    private static void taken(Executable call) {
        KeelException e = assertThrows(KeelException.class, call);
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("is not shared with you"), e.getMessage());
    }

    private static void denied(Executable call) {
        KeelException e = assertThrows(KeelException.class, call);
        assertEquals(ErrorCode.PERMISSION_DENIED, e.code(), e.getMessage());
    }
}
