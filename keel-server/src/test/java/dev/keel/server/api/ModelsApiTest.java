package dev.keel.server.api;

import dev.keel.core.RunFile;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.Visibility;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.ServerFixture.Reply;
import dev.keel.server.TeamServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model registry's routes on a team server: sharing, gates, names and contents. */
class ModelsApiTest {
    @TempDir
    Path dir;

    /** A run of a new project of {@code owner} holding {@code model.bin}, with test_accuracy {@code acc}. */
    private static String runWithModel(TeamServerFixture f, String project, String owner, Visibility v, double acc)
            throws IOException {
        String run = f.projectWithRun(project, owner, v);
        byte[] bytes = ("weights of " + run).getBytes(StandardCharsets.UTF_8);
        String hash = new LocalBlobStore(f.home.blobs()).put(new ByteArrayInputStream(bytes));
        WriteBatch b = new WriteBatch();
        b.addFile(new RunFile("model.bin", hash, bytes.length, "artifact", 1000));
        b.summary.put("test_accuracy", acc);
        f.store.apply(run, b);
        return run;
    }

    private static Reply register(TeamServerFixture f, String user, String model, String run) {
        return f.send(
                user,
                "POST",
                "/api/v1/models/" + model + "/versions",
                "{\"run\": \"" + run + "\", \"path\": \"model.bin\"}");
    }

    @Test
    void aTeamProjectsModelsAreTheTeamsAndAPrivateOnesAreHidden() throws IOException {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            String teamRun = runWithModel(f, "shared", "owner", Visibility.TEAM, 0.9);
            String privateRun = runWithModel(f, "mine", "owner", Visibility.PRIVATE, 0.9);
            assertEquals(201, register(f, "owner", "shared-model", teamRun).status());
            assertEquals(201, register(f, "owner", "secret-model", privateRun).status());
            Reply member = f.send("member", "GET", "/api/v1/models", null);
            assertTrue(member.body().contains("shared-model"), member.body());
            assertFalse(member.body().contains("secret-model"), member.body());
            // a team member registers the next version and moves its alias: the registry is shared
            Reply v2 = register(f, "member", "shared-model", teamRun);
            assertEquals(201, v2.status(), v2.body());
            assertEquals("shared-model:v2", v2.json().get("ref"));
            Reply moved =
                    f.send("member", "PUT", "/api/v1/models/shared-model/aliases/production", "{\"version\": \"v2\"}");
            assertEquals(200, moved.status(), moved.body());
            assertEquals("member", moved.json().get("moved_by"));
            Reply hidden = f.send("member", "GET", "/api/v1/models/secret-model", null);
            assertEquals(404, hidden.status());
            assertEquals("model secret-model does not exist (or you may not see it)", hidden.message());
        }
    }

    @Test
    void aNameTakenByAModelTheCallerCannotSeeIsSaidToBeTakenWithoutNamingItsProject() throws IOException {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            register(f, "owner", "apparel", runWithModel(f, "private-shop", "owner", Visibility.PRIVATE, 0.9));
            Reply r = register(f, "other", "apparel", runWithModel(f, "others", "other", Visibility.PRIVATE, 0.9));
            assertEquals(409, r.status());
            assertEquals(
                    "the model name 'apparel' is taken by a model you may not see: register under another name",
                    r.message());
        }
    }

    @Test
    void theServerChecksTheGateAndNamesTheFailingValue() throws IOException {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            register(f, "owner", "apparel", runWithModel(f, "shop", "owner", Visibility.PRIVATE, 0.85));
            Reply r = f.send(
                    "owner",
                    "PUT",
                    "/api/v1/models/apparel/aliases/production",
                    "{\"version\": \"v1\", \"require\": \"test_accuracy >= 0.88\"}");
            assertEquals(400, r.status());
            assertEquals(
                    "refused: apparel:v1 has test_accuracy = 0.85, the gate needs test_accuracy >= 0.88", r.message());
            assertEquals(
                    404,
                    f.send("owner", "GET", "/api/v1/models/apparel/aliases/production", null)
                            .status());
            Reply ok = f.send(
                    "owner",
                    "PUT",
                    "/api/v1/models/apparel/aliases/production",
                    "{\"version\": \"1\", \"require\": \"test_accuracy >= 0.8\"}");
            assertEquals(200, ok.status(), ok.body());
            Reply resolved = f.send("owner", "GET", "/api/v1/models/apparel/aliases/production", null);
            assertEquals("apparel:v1", resolved.json().get("ref"));
        }
    }

    @Test
    void aVersionListsOnlyContentsItsOwnRunHolds() throws IOException {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            String ownerRun = runWithModel(f, "shop", "owner", Visibility.PUBLIC, 0.9);
            String ownerHash = f.store.files(ownerRun).get(0).hash();
            String otherRun = runWithModel(f, "theirs", "other", Visibility.PRIVATE, 0.9);
            Reply r = f.send(
                    "other",
                    "POST",
                    "/api/v1/models/stolen/versions",
                    "{\"run\": \"" + otherRun + "\", \"files\": [{\"path\": \"m.bin\", \"hash\": \"" + ownerHash
                            + "\", \"size\": 3}], \"lineage\": {}}");
            assertEquals(400, r.status());
            assertEquals(
                    "run " + otherRun + " holds no file with the content of 'm.bin' (" + ownerHash + "): a version"
                            + " lists files its run logged and uploaded; log the file with the run first",
                    r.message());
            assertEquals(
                    404, f.send("other", "GET", "/api/v1/models/stolen", null).status());
        }
    }

    @Test
    void aVersionsFileDownloadsAndAnUnknownVersionSaysSo() throws IOException {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            String run = runWithModel(f, "shop", "owner", Visibility.PRIVATE, 0.9);
            register(f, "owner", "apparel", run);
            Reply file = f.send("owner", "GET", "/api/v1/models/apparel/versions/v1/files/model.bin", null);
            assertEquals(200, file.status());
            assertEquals("weights of " + run, file.body());
            Reply missing = f.send("owner", "GET", "/api/v1/models/apparel/versions/9", null);
            assertEquals(404, missing.status());
            assertEquals(
                    "model apparel has no version v9: 'keel model versions apparel' lists them", missing.message());
            Reply ofRun = f.send("owner", "GET", "/api/v1/runs/" + run + "/models", null);
            assertTrue(ofRun.body().contains("\"ref\":\"apparel:v1\""), ofRun.body());
        }
    }
}
