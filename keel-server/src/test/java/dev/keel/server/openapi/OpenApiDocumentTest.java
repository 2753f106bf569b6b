package dev.keel.server.openapi;

import dev.keel.server.ServerFixture;
import dev.keel.server.http.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenApiDocumentTest {
    @TempDir
    Path dir;

    @Test
    void everyRouteOfTheServerIsInTheDocumentWithItsAccessRule() {
        try (ServerFixture f = new ServerFixture(dir)) {
            var reply = f.get("/api/v1/openapi.json");
            assertEquals(200, reply.status(), reply.body());
            Map<String, Object> doc = reply.json();
            assertEquals("3.0.3", doc.get("openapi"));
            Map<?, ?> paths = (Map<?, ?>) doc.get("paths");
            List<Route> routes = f.server.routes();
            assertTrue(routes.size() >= 10, "routes: " + routes);
            for (Route route : routes) {
                Map<?, ?> item = (Map<?, ?>) paths.get(OpenApiDocument.path(route.pattern()));
                assertNotNull(item, "missing from the OpenAPI document: " + route.pattern());
                Map<?, ?> op = (Map<?, ?>) item.get(route.method().toLowerCase(Locale.ROOT));
                assertNotNull(op, "missing from the OpenAPI document: " + route.method() + " " + route.pattern());
                assertTrue(((String) op.get("description")).startsWith("Access: "), op.toString());
                assertNotNull(((Map<?, ?>) op.get("responses")).get("default"), "error response of " + route.pattern());
                for (String p : route.parameters()) {
                    assertTrue(op.toString().contains("name=" + p), route.pattern() + " documents parameter " + p);
                }
            }
        }
    }

    @Test
    void documentsParametersSchemasAndSecurity() {
        try (ServerFixture f = new ServerFixture(dir)) {
            Map<String, Object> doc = f.get("/api/v1/openapi.json").json();
            Map<?, ?> paths = (Map<?, ?>) doc.get("paths");
            Map<?, ?> search = (Map<?, ?>) ((Map<?, ?>) paths.get("/api/v1/projects/{project}/runs")).get("get");
            String text = search.toString();
            for (String q : List.of("project", "filter", "sort", "limit", "offset")) {
                assertTrue(text.contains("name=" + q), text);
            }
            assertTrue(
                    search.get("description").toString().contains("read access to the project named by {project}"),
                    search.toString());
            assertEquals(List.of(Map.of("bearerAuth", List.of())), search.get("security"));

            Map<?, ?> health = (Map<?, ?>) ((Map<?, ?>) paths.get("/healthz")).get("get");
            assertEquals(List.of(), health.get("security"), "health needs no key");

            Map<?, ?> history = (Map<?, ?>) ((Map<?, ?>) paths.get("/api/v1/runs/{id}/metrics/{key}")).get("get");
            assertTrue(history.toString().contains("may contain '/'"), history.toString());

            Map<?, ?> schemas = (Map<?, ?>) ((Map<?, ?>) doc.get("components")).get("schemas");
            for (String s : List.of("Error", "Run", "Project", "MetricSeries", "ConsoleLine", "RunFile")) {
                assertTrue(schemas.containsKey(s), "schema " + s);
            }
            assertFalse(hasStrayNull(doc), "no null in the document but the null of a nullable enum");
        }
    }

    /** A null anywhere except as a value of a nullable schema's enum (OpenAPI 3.0 lists it there). */
    private static boolean hasStrayNull(Object node) {
        if (node == null) {
            return true;
        }
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                boolean nullableEnum = "enum".equals(e.getKey()) && Boolean.TRUE.equals(m.get("nullable"));
                if (nullableEnum
                        ? ((List<?>) e.getValue())
                                .stream().filter(Objects::nonNull).anyMatch(OpenApiDocumentTest::hasStrayNull)
                        : hasStrayNull(e.getValue())) {
                    return true;
                }
            }
        } else if (node instanceof List<?> l) {
            return l.stream().anyMatch(OpenApiDocumentTest::hasStrayNull);
        }
        return false;
    }
}
