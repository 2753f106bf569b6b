package dev.keel.server.mlflow;

import dev.keel.core.access.ProjectAccess;
import dev.keel.core.data.Visibility;
import dev.keel.server.ServerFixture.Reply;
import dev.keel.server.TeamServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What the access matrix ({@code AccessMatrixTest}) cannot say about MLflow's API on a team
 * server: who owns an experiment made under a new name, and that an experiment the caller may
 * not see is answered exactly like one that does not exist, its project unnamed.
 */
class MlflowAccessTest {
    private static final String API = "/api/2.0/mlflow/";

    @TempDir
    static Path dir;

    static TeamServerFixture f;

    @BeforeAll
    static void start() {
        f = new TeamServerFixture(dir, true);
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void aNewExperimentIsItsCreatorsPrivateProject() {
        assertEquals(
                401,
                f.send(null, "POST", API + "experiments/create", "{\"name\": \"fresh-a\"}")
                        .status());

        Reply created = f.send("other", "POST", API + "experiments/create", "{\"name\": \"fresh-b\"}");
        assertEquals(200, created.status(), created.body());
        String id = (String) created.json().get("experiment_id");
        ProjectAccess project = f.access.project("fresh-b").orElseThrow();
        assertEquals("other", project.owner());
        assertEquals(Visibility.PRIVATE, project.visibility());

        assertEquals(
                200,
                f.send("other", "GET", API + "experiments/get?experiment_id=" + id, null)
                        .status());
        assertEquals(
                200,
                f.send("admin", "GET", API + "experiments/get?experiment_id=" + id, null)
                        .status());
        assertEquals(
                404,
                f.send("owner", "GET", API + "experiments/get?experiment_id=" + id, null)
                        .status());
        assertEquals(
                401,
                f.send(null, "GET", API + "experiments/get?experiment_id=" + id, null)
                        .status());
        // and nobody else can log into it
        Reply run = f.send("member", "POST", API + "runs/create", "{\"experiment_id\": \"" + id + "\"}");
        assertEquals(404, run.status(), run.body());
    }

    @Test
    void aHiddenExperimentIsAnsweredLikeAMissingOne() {
        f.projectWithRun("secret-project", "owner", Visibility.PRIVATE);
        Reply made = f.send("owner", "GET", API + "experiments/get-by-name?experiment_name=secret-project", null);
        assertEquals(200, made.status(), made.body());
        @SuppressWarnings("unchecked")
        String id = (String) ((Map<String, Object>) made.json().get("experiment")).get("experiment_id");
        Reply renamed = f.send(
                "owner",
                "POST",
                API + "experiments/update",
                "{\"experiment_id\": \"" + id + "\", \"new_name\": \"code-name\"}");
        assertEquals(200, renamed.status(), renamed.body());

        Reply hiddenByName = f.send("other", "GET", API + "experiments/get-by-name?experiment_name=code-name", null);
        Reply missingByName =
                f.send("other", "GET", API + "experiments/get-by-name?experiment_name=no-such-name", null);
        assertSameAnswer(missingByName, hiddenByName, "no-such-name", "code-name");

        Reply hiddenById = f.send("other", "GET", API + "experiments/get?experiment_id=" + id, null);
        Reply missingById = f.send("other", "GET", API + "experiments/get?experiment_id=987654", null);
        assertSameAnswer(missingById, hiddenById, "987654", id);

        Reply hiddenSearch = f.send("other", "POST", API + "runs/search", "{\"experiment_ids\": [\"" + id + "\"]}");
        assertEquals(404, hiddenSearch.status(), hiddenSearch.body());
        assertFalse(hiddenSearch.body().contains("secret-project"), hiddenSearch.body());

        // anonymous callers are asked to sign in, whether the experiment exists or not
        assertEquals(
                401,
                f.send(null, "GET", API + "experiments/get?experiment_id=" + id, null)
                        .status());
        assertEquals(
                401,
                f.send(null, "GET", API + "experiments/get?experiment_id=987654", null)
                        .status());
        assertEquals(
                401,
                f.send(null, "GET", API + "experiments/get-by-name?experiment_name=code-name", null)
                        .status());
        assertEquals(
                401,
                f.send(null, "GET", API + "experiments/get-by-name?experiment_name=no-such-name", null)
                        .status());
    }

    private static void assertSameAnswer(Reply missing, Reply hidden, String missingName, String hiddenName) {
        assertEquals(404, missing.status(), missing.body());
        assertEquals(missing.status(), hidden.status(), hidden.body());
        assertEquals(missing.json().get("error_code"), hidden.json().get("error_code"));
        assertEquals(missing.message().replace(missingName, hiddenName), hidden.message());
        assertFalse(hidden.body().contains("secret-project"), hidden.body());
    }
}
