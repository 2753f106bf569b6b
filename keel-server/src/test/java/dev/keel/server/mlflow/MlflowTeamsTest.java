package dev.keel.server.mlflow;

import dev.keel.core.Ids;
import dev.keel.core.access.ProjectAccess;
import dev.keel.core.data.Visibility;
import dev.keel.server.ServerFixture.Reply;
import dev.keel.server.ServerSettings;
import dev.keel.server.TeamServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sharing on a team server through MLflow's API: the server's default visibility for new
 * experiments (projects), and what a second user hears when a name is taken by one they may not
 * see. Users: owner and member share team vision; other is in team nlp.
 */
class MlflowTeamsTest {
    @TempDir
    Path dir;

    private static MlflowClient client(TeamServerFixture f, String user) {
        return new MlflowClient(new BasicMlflowHostCreds(f.server.url(), f.keys.get(user)));
    }

    @Test
    void aPrivateNameTakenIsSaidToBeTakenNotMissing() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            MlflowClient owner = client(f, "owner");
            MlflowClient member = client(f, "member");
            String exp = owner.createExperiment("churn");
            assertEquals(
                    Visibility.PRIVATE,
                    f.access.project("churn").map(ProjectAccess::visibility).orElseThrow());

            // what set_experiment does: look the name up, then create it when not found
            assertFalse(member.getExperimentByName("churn").isPresent());
            MlflowHttpException taken = assertThrows(MlflowHttpException.class, () -> member.createExperiment("churn"));
            assertEquals(403, taken.getStatusCode());
            assertTrue(taken.getBodyMessage().contains("PERMISSION_DENIED"), taken.getBodyMessage());
            assertTrue(taken.getBodyMessage().contains("already exists"), taken.getBodyMessage());
            assertTrue(taken.getBodyMessage().contains("not shared with you"), taken.getBodyMessage());
            assertFalse(taken.getBodyMessage().contains("does not exist"), taken.getBodyMessage());

            // once its owner shares it with the team, the member finds it and logs to it
            Reply share = f.send("owner", "PATCH", "/api/v1/projects/churn", "{\"visibility\": \"team\"}");
            assertEquals(200, share.status(), share.body());
            assertEquals(exp, member.getExperimentByName("churn").orElseThrow().getExperimentId());
            member.createRun(exp);

            // Keel's own REST API says the same when a run would create a project whose name is taken
            Reply rest = f.send(
                    "other",
                    "POST",
                    "/api/v1/projects/churn/runs",
                    "{\"id\": \"" + Ids.newRunId() + "\", \"name\": \"m\"}");
            assertEquals(404, rest.status(), rest.body());
            assertTrue(rest.message().contains("is taken by a project that is not shared with you"), rest.body());
        }
    }

    @Test
    void theDefaultVisibilitySharesNewExperimentsWithTheCreatorsTeams() {
        ServerSettings settings = ServerSettings.local(0).withDefaultVisibility(Visibility.TEAM);
        try (TeamServerFixture f = new TeamServerFixture(dir, settings)) {
            MlflowClient owner = client(f, "owner");
            String exp = owner.createExperiment("shared");
            assertEquals(
                    Visibility.TEAM,
                    f.access.project("shared").map(ProjectAccess::visibility).orElseThrow());
            // a team member finds it and logs to it with no admin step
            String run = client(f, "member").createRun(exp).getRunId();
            client(f, "member").logMetric(run, "acc", 0.9);
            // a user of another team does not see it
            assertFalse(client(f, "other").getExperimentByName("shared").isPresent());

            // Keel's own project creation follows the same setting
            Reply created = f.send(
                    "owner",
                    "POST",
                    "/api/v1/projects/keel-made/runs",
                    "{\"id\": \"" + Ids.newRunId() + "\", \"name\": \"m\"}");
            assertTrue(created.status() / 100 == 2, created.body());
            assertEquals(
                    Visibility.TEAM,
                    f.access.project("keel-made").map(ProjectAccess::visibility).orElseThrow());
        }
        assertThrows(RuntimeException.class, () -> ServerSettings.local(0).withDefaultVisibility(Visibility.PUBLIC));
    }
}
