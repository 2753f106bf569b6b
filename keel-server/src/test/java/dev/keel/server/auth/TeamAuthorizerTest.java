package dev.keel.server.auth;

import dev.keel.core.access.ProjectAccess;
import dev.keel.core.data.Visibility;
import dev.keel.server.ServerFixture;
import dev.keel.server.TeamServerFixture;
import dev.keel.server.auth.Authorizer.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ownership rules the access matrix does not walk: new projects, unowned data, datasets, races. */
class TeamAuthorizerTest {
    @TempDir
    Path dir;

    private static Principal user(String name, String... teams) {
        return new Principal(name, Set.of(teams), false);
    }

    @Test
    void aNewProjectBelongsToItsCreatorAndIsPrivate() {
        try (TeamServerFixture f = new TeamServerFixture(dir, true)) {
            ServerFixture.Reply created = f.send("other", "PATCH", "/api/v1/projects/fresh", "{\"owner\": \"other\"}");
            assertEquals(200, created.status(), created.body());
            assertEquals(
                    new ProjectAccess(
                            "fresh",
                            "other",
                            Visibility.PRIVATE,
                            f.access.project("fresh").get().createdAt()),
                    f.access.project("fresh").orElseThrow());
            assertEquals(
                    404,
                    f.send("owner", "GET", "/api/v1/projects/fresh/access", null)
                            .status());
            assertEquals(
                    404,
                    f.send("owner", "PATCH", "/api/v1/projects/fresh", "{\"visibility\": \"public\"}")
                            .status(),
                    "someone else's private project is invisible, also to writes");
            assertEquals(
                    200,
                    f.send("admin", "GET", "/api/v1/projects/fresh/access", null)
                            .status());
            assertEquals(
                    401,
                    f.send(null, "GET", "/api/v1/projects/fresh/access", null).status());

            ServerFixture.Reply blank =
                    f.send("other", "PATCH", "/api/v1/projects/%20%20", "{\"visibility\": \"team\"}");
            assertEquals(400, blank.status(), blank.body());
            assertEquals("'  ' is not a project name: use 1-256 printable characters", blank.message());
            assertTrue(f.access.project("  ").isEmpty(), "nothing claimed");
        }
    }

    @Test
    void runsWithoutAnOwnerAreForAdminsUntilOneGivesThemAnOwner() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            String run = f.projectWithRun("legacy", "owner", Visibility.PRIVATE);
            f.access.updateProject("legacy", "", null, 1);
            TeamAuthorizer authz = new TeamAuthorizer(f.access, f.store, f.datasets, false);
            assertFalse(authz.canRead(user("owner", "vision"), Resource.project("legacy")));
            assertFalse(authz.canWrite(user("owner", "vision"), Resource.project("legacy")));
            assertEquals(
                    404, f.send("owner", "GET", "/api/v1/runs/" + run, null).status());
            assertEquals(
                    200, f.send("admin", "GET", "/api/v1/runs/" + run, null).status());

            ServerFixture.Reply handOver = f.send(
                    "admin", "PATCH", "/api/v1/projects/legacy", "{\"owner\": \"owner\", \"visibility\": \"team\"}");
            assertEquals(200, handOver.status(), handOver.body());
            assertEquals(
                    200, f.send("member", "GET", "/api/v1/runs/" + run, null).status());
            ServerFixture.Reply noSuchUser =
                    f.send("admin", "PATCH", "/api/v1/projects/legacy", "{\"owner\": \"nobody\"}");
            assertEquals(400, noSuchUser.status());
            assertEquals("field 'owner': there is no user 'nobody'", noSuchUser.message());
            ServerFixture.Reply badVisibility =
                    f.send("owner", "PATCH", "/api/v1/projects/legacy", "{\"visibility\": \"secret\"}");
            assertEquals(400, badVisibility.status());
            assertTrue(
                    badVisibility.message().startsWith("field 'visibility': unknown visibility 'secret'"),
                    badVisibility.message());
        }
    }

    @Test
    void datasetsFollowTheirOwnerAndVisibility() {
        try (TeamServerFixture f = new TeamServerFixture(dir, true)) {
            TeamAuthorizer authz = new TeamAuthorizer(f.access, f.store, f.datasets, true);
            Principal owner = user("owner", "vision");
            Principal member = user("member", "vision");
            Principal other = user("other", "nlp");
            Resource d = Resource.dataset("mnist");

            assertTrue(authz.canWrite(other, d), "a signed-in user may create a dataset");
            assertFalse(authz.canWrite(Principal.ANONYMOUS, d));
            authz.created(owner, d);
            assertEquals("owner", f.datasets.dataset("mnist").orElseThrow().owner());
            authz.created(other, d);
            assertEquals(
                    "owner", f.datasets.dataset("mnist").orElseThrow().owner(), "an existing dataset keeps its owner");

            assertFalse(authz.canRead(member, d));
            assertFalse(authz.canWrite(other, d));
            f.datasets.saveDataset("mnist", null, null, Visibility.TEAM, 2);
            assertTrue(authz.canRead(member, d));
            assertTrue(authz.canWrite(member, d));
            assertFalse(authz.canRead(other, d));
            f.datasets.saveDataset("mnist", null, null, Visibility.PUBLIC, 3);
            assertTrue(authz.canRead(other, d));
            assertFalse(authz.canWrite(other, d));
            assertTrue(authz.canRead(Principal.ANONYMOUS, d));
            assertFalse(new TeamAuthorizer(f.access, f.store, f.datasets, false).canRead(Principal.ANONYMOUS, d));
        }
    }

    @Test
    void twoUsersCreatingOneProjectAtOnceCannotBothOwnIt() throws Exception {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            TeamAuthorizer authz = new TeamAuthorizer(f.access, f.store, f.datasets, false);
            List<String> users = List.of("owner", "member", "other", "owner", "member", "other");
            ExecutorService pool = Executors.newFixedThreadPool(users.size());
            try {
                List<Future<Boolean>> wins = new ArrayList<>();
                for (String u : users) {
                    wins.add(pool.submit(() -> authz.canWrite(user(u), Resource.project("race"))));
                }
                Set<String> winners = new HashSet<>();
                for (int i = 0; i < users.size(); i++) {
                    if (wins.get(i).get()) {
                        winners.add(users.get(i));
                    }
                }
                assertEquals(Set.of(f.access.project("race").orElseThrow().owner()), winners);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
