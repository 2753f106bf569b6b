package dev.keel.server.openapi;

import dev.keel.core.data.Visibility;
import dev.keel.server.TeamServerFixture;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document against the team server it describes: what the document says about
 * methods, sign-in, parameters, bodies and content types is what the server does. (The
 * schemathesis run of bench/api_fuzz.sh checks the same at random; these keep each class of
 * finding fixed without Python.)
 */
class OpenApiTruthTest {
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "TRACE");

    @TempDir
    Path dir;

    @Test
    void everyPathAnswersAMethodItDoesNotTakeWith405AndTheMethodsItDoes() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            Map<?, ?> paths = paths(f);
            Set<String> patterns = new LinkedHashSet<>();
            f.server.routes().forEach(r -> patterns.add(r.pattern()));
            int checked = 0;
            for (String pattern : patterns) {
                Map<?, ?> item = (Map<?, ?>) paths.get(OpenApiDocument.path(pattern));
                Set<String> allow = new TreeSet<>();
                for (Object m : item.keySet()) {
                    allow.add(m.toString().toUpperCase(Locale.ROOT));
                }
                if (allow.contains("GET")) {
                    allow.add("HEAD");
                }
                allow.add("OPTIONS");
                for (String method : METHODS) {
                    if (allow.contains(method)) {
                        continue;
                    }
                    var reply = f.send("admin", method, concrete(pattern), null);
                    assertEquals(405, reply.status(), method + " " + pattern + ": " + reply.body());
                    assertEquals(
                            String.join(", ", allow),
                            reply.raw().headers().firstValue("Allow").orElse(null),
                            method + " " + pattern);
                    assertTrue(reply.message().contains(method + " is not supported"), reply.body());
                    checked++;
                }
            }
            assertTrue(checked > 100, "checked " + checked);
        }
    }

    @Test
    void aLiteralPathIsItsOwnResourceNotAParameterOfAnother() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            // .../blobs/fetch takes POST only; GET there is not GET .../blobs/{hash} with hash "fetch"
            var reply = f.send("admin", "GET", "/api/v1/datasets/d1/blobs/fetch", null);
            assertEquals(405, reply.status(), reply.body());
            assertEquals(
                    "OPTIONS, POST", reply.raw().headers().firstValue("Allow").orElse(null));
        }
    }

    @Test
    void everyRouteThatNeedsAKeyAnswersAnonymousCallers401BeforeLookingAtTheRequest() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            Map<?, ?> paths = paths(f);
            int checked = 0;
            for (Route route : f.server.routes()) {
                Map<?, ?> op = operation(paths, route);
                if (route.access() instanceof Access.Anyone) {
                    assertEquals(List.of(), op.get("security"), route.pattern());
                    continue;
                }
                assertEquals(
                        List.of(Map.of("bearerAuth", List.of())),
                        op.get("security"),
                        route.method() + " " + route.pattern());
                // nonsense everywhere: a handler that looked first would answer 400 or 404
                String body = route.method().equals("GET") || route.method().equals("HEAD") ? null : "{\"x\": 1}";
                var reply = f.send(null, route.method(), concrete(route.pattern()) + "?limit=-1", body);
                assertEquals(401, reply.status(), route.method() + " " + route.pattern() + ": " + reply.body());
                if (!route.method().equals("HEAD")) {
                    assertEquals("UNAUTHENTICATED", reply.json().get("error_code"), reply.body());
                }
                checked++;
            }
            assertTrue(checked > 80, "checked " + checked);
            for (String search : List.of("/api/2.0/mlflow/runs/search", "/api/2.0/mlflow/logged-models/search")) {
                assertEquals(401, f.send(null, "POST", search, "{}").status(), search);
            }
            assertEquals(
                    401,
                    f.send(null, "GET", "/api/2.0/mlflow-artifacts/artifacts", null)
                            .status());
        }
    }

    @Test
    void withAnonymousReadsTheKeyIsOptionalOnReadsOnly() {
        try (TeamServerFixture f = new TeamServerFixture(dir, true)) {
            f.projectWithRun("open", "owner", Visibility.PUBLIC);
            Map<?, ?> paths = paths(f);
            Map<String, Object> bearer = Map.of("bearerAuth", List.of());
            assertEquals(
                    List.of(bearer, Map.of()),
                    op(paths, "get", "/api/v1/projects/{project}/runs").get("security"));
            assertEquals(
                    List.of(bearer, Map.of()),
                    op(paths, "post", "/api/2.0/mlflow/runs/search").get("security"));
            assertEquals(
                    List.of(bearer),
                    op(paths, "post", "/api/v1/projects/{project}/runs").get("security"));
            var reply = f.send(null, "GET", "/api/v1/projects/open/runs", null);
            assertEquals(200, reply.status(), reply.body());
            assertEquals(
                    401,
                    f.send(null, "POST", "/api/v1/projects/open/runs", "{}").status());
        }
    }

    @Test
    void everyParameterHasASchemaAndBodiesAreDeclaredOnlyWhereRead() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            Map<?, ?> paths = paths(f);
            for (Route route : f.server.routes()) {
                Map<?, ?> op = operation(paths, route);
                List<?> parameters = op.get("parameters") == null ? List.of() : (List<?>) op.get("parameters");
                for (String name : route.parameters()) {
                    Map<?, ?> p = parameters.stream()
                            .map(x -> (Map<?, ?>) x)
                            .filter(x ->
                                    x.get("name").equals(name) && x.get("in").equals("path"))
                            .findFirst()
                            .orElse(null);
                    assertNotNull(p, route.pattern() + " declares {" + name + "}");
                    assertEquals(true, p.get("required"));
                    assertNotNull(((Map<?, ?>) p.get("schema")).get("pattern"), route.pattern() + " {" + name + "}");
                }
                for (Object o : parameters) {
                    assertNotNull(((Map<?, ?>) o).get("schema"), route.pattern() + ": " + o);
                }
                String m = route.method();
                if (m.equals("GET") || m.equals("DELETE") || m.equals("HEAD")) {
                    assertNull(op.get("requestBody"), m + " " + route.pattern() + " reads no body");
                }
            }
            assertNull(op(paths, "put", "/api/v1/teams/{team}/members/{user}").get("requestBody"));
            assertNull(op(paths, "post", "/api/v1/users/{user}/keys").get("requestBody"));
            assertEquals(
                    false,
                    ((Map<?, ?>) op(paths, "put", "/api/v1/datasets/{name}").get("requestBody")).get("required"));
            Map<?, ?> teams = (Map<?, ?>) op(paths, "post", "/api/v1/teams").get("requestBody");
            assertEquals(true, teams.get("required"));
            assertTrue(teams.toString().contains("required=[name]"), teams.toString());
        }
    }

    @Test
    void requiredQueryParametersAreDeclaredAndTheirAbsenceIsA400ThatNamesThem() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            String run = f.projectWithRun("vision", "owner", Visibility.PRIVATE);
            f.dataset("faces", "owner", Visibility.PRIVATE);
            Map<?, ?> paths = paths(f);
            Map<String, String> real = Map.of("project", "vision", "id", run, "name", "faces");
            int checked = 0;
            for (Route route : f.server.routes()) {
                if (!route.method().equals("GET")) {
                    continue;
                }
                List<String> required = new ArrayList<>();
                Object parameters = operation(paths, route).get("parameters");
                for (Object o : parameters == null ? List.of() : (List<?>) parameters) {
                    Map<?, ?> p = (Map<?, ?>) o;
                    if (p.get("in").equals("query") && Boolean.TRUE.equals(p.get("required"))) {
                        required.add((String) p.get("name"));
                    }
                }
                if (required.isEmpty() || !real.keySet().containsAll(route.parameters())) {
                    continue;
                }
                String path = route.pattern();
                for (String name : route.parameters()) {
                    path = path.replace("{" + name + "}", real.get(name));
                }
                var reply = f.send("admin", "GET", path, null);
                assertEquals(400, reply.status(), path + ": " + reply.body());
                assertTrue(reply.message().contains("'" + required.get(0) + "'"), path + ": " + reply.body());
                checked++;
            }
            assertTrue(checked >= 8, "checked " + checked);
        }
    }

    @Test
    void pagesFilesAndStreamsComeWithADocumentedContentType() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            f.projectWithRun("vision", "owner", Visibility.PRIVATE);
            Map<?, ?> paths = paths(f);
            int checked = 0;
            for (Route route : f.server.routes()) {
                boolean open = route.access() instanceof Access.Anyone
                        && route.parameters().isEmpty();
                if (!route.method().equals("GET") || !(open || route.pattern().endsWith("/runs.csv"))) {
                    continue;
                }
                var reply = f.send("admin", "GET", route.pattern().replace("{project}", "vision"), null);
                Map<?, ?> documented = (Map<?, ?>)
                        ((Map<?, ?>) ((Map<?, ?>) operation(paths, route).get("responses"))
                                        .get(String.valueOf(reply.status())))
                                .get("content");
                String type = reply.raw()
                        .headers()
                        .firstValue("Content-Type")
                        .orElse("")
                        .split(";")[0]
                        .trim();
                assertTrue(
                        documented.containsKey(type),
                        route.pattern() + " sent " + type + ", documented " + documented.keySet());
                checked++;
            }
            assertTrue(checked >= 8, "checked " + checked);
        }
    }

    @Test
    void routesThatAnswerNoContentAreDocumentedAs204() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            f.dataset("faces", "owner", Visibility.PRIVATE);
            Map<?, ?> responses = (Map<?, ?>)
                    op(paths(f), "delete", "/api/v1/datasets/{name}").get("responses");
            assertEquals(Set.of("204", "default"), responses.keySet());
            var reply = f.send("owner", "DELETE", "/api/v1/datasets/faces", null);
            assertEquals(204, reply.status(), reply.body());
            assertEquals("", reply.body());
        }
    }

    @Test
    void aBodyARouteNeedsIsRefusedWhenEmptyAndAnOptionalOneMayBeLeftOut() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            var empty = f.send(HttpRequest.newBuilder(URI.create(f.server.url() + "/api/v1/teams"))
                    .header("Authorization", "Bearer " + f.keys.get("admin"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build());
            assertEquals(400, empty.status(), empty.body());
            assertTrue(empty.message().contains("the request body is empty: send a JSON object"), empty.body());
            var created = f.send("owner", "PUT", "/api/v1/datasets/faces", null);
            assertEquals(201, created.status(), created.body());
            var notAnObject = f.send("owner", "PUT", "/api/v1/datasets/faces", "[null, null]");
            assertEquals(400, notAnObject.status(), notAnObject.body());
            assertTrue(notAnObject.message().startsWith("the body must be a JSON object"), notAnObject.body());
        }
    }

    @Test
    void theRunsListFiltersByProject() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            String alpha = f.projectWithRun("alpha", "owner", Visibility.PRIVATE);
            f.projectWithRun("beta", "owner", Visibility.PRIVATE);
            Map<String, Object> all =
                    f.send("owner", "GET", "/api/v1/runs", null).json();
            assertEquals(2, ((List<?>) all.get("runs")).size(), all.toString());

            var reply = f.send("owner", "GET", "/api/v1/runs?project=alpha", null);
            assertEquals(200, reply.status(), reply.body());
            List<?> runs = (List<?>) reply.json().get("runs");
            assertEquals(1, runs.size(), reply.body());
            assertEquals(alpha, ((Map<?, ?>) runs.get(0)).get("id"));
            assertEquals("alpha", ((Map<?, ?>) runs.get(0)).get("project"));
            assertEquals(1, ((Number) reply.json().get("total")).intValue());

            // as GET /api/v1/projects/{project}/runs answers: a project the caller may not read does not exist for them
            var hidden = f.send("other", "GET", "/api/v1/runs?project=alpha", null);
            assertEquals(404, hidden.status(), hidden.body());
            assertEquals("project alpha does not exist (or you may not see it)", hidden.message());
            assertEquals(
                    hidden.status(),
                    f.send("other", "GET", "/api/v1/projects/alpha/runs", null).status());
            assertEquals(
                    404,
                    f.send("owner", "GET", "/api/v1/runs?project=nowhere", null).status());
            assertTrue(op(paths(f), "get", "/api/v1/runs").toString().contains("name=project"));
        }
    }

    /** A path that the pattern matches, with a harmless value in each parameter. */
    private static String concrete(String pattern) {
        return pattern.replaceAll("\\{[a-z_]+\\*}", "a1/b1").replaceAll("\\{[a-z_]+}", "x1");
    }

    private static Map<?, ?> paths(TeamServerFixture f) {
        var reply = f.send(null, "GET", "/api/v1/openapi.json", null);
        assertEquals(200, reply.status(), reply.body());
        return (Map<?, ?>) reply.json().get("paths");
    }

    private static Map<?, ?> operation(Map<?, ?> paths, Route route) {
        return op(paths, route.method().toLowerCase(Locale.ROOT), OpenApiDocument.path(route.pattern()));
    }

    private static Map<?, ?> op(Map<?, ?> paths, String method, String path) {
        Map<?, ?> item = (Map<?, ?>) paths.get(path);
        assertNotNull(item, path);
        Map<?, ?> op = (Map<?, ?>) item.get(method);
        assertNotNull(op, method + " " + path);
        return op;
    }
}
