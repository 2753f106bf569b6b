package dev.keel.server.openapi;

import dev.keel.server.auth.Access;
import dev.keel.server.http.Route;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the OpenAPI 3.0 document from the routes: for each one its method, path, path
 * parameters, summary, the access rule it declares (as a description and a security
 * requirement), the query parameters and response shapes known for it ({@link KnownShapes}),
 * and the error shape every route shares. A route no table knows still appears, with a generic
 * JSON response.
 */
public final class OpenApiDocument {
    private OpenApiDocument() {}

    public static Map<String, Object> build(List<Route> routes) {
        return build(routes, false);
    }

    /**
     * @param anonymousReads whether this server lets callers without a key read public projects and
     *                       datasets: then read routes take a key but do not require one
     */
    public static Map<String, Object> build(List<Route> routes, boolean anonymousReads) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("title", "Keel API");
        String version = OpenApiDocument.class.getPackage().getImplementationVersion();
        info.put("version", version == null ? "dev" : version);
        info.put(
                "description",
                "Keel's native REST API. Errors are JSON {error_code, message} with the HTTP status"
                        + " of the error code. Times are epoch milliseconds; non-finite numbers are the strings \"NaN\","
                        + " \"Infinity\" and \"-Infinity\". Send an API key as 'Authorization: Bearer <key>'.");
        doc.put("info", info);
        Map<String, Object> paths = new LinkedHashMap<>();
        for (Route route : routes) {
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>)
                    paths.computeIfAbsent(path(route.pattern()), k -> new LinkedHashMap<String, Object>());
            item.put(route.method().toLowerCase(Locale.ROOT), operation(route, anonymousReads));
        }
        doc.put("paths", paths);
        Map<String, Object> components = new LinkedHashMap<>();
        components.put(
                "securitySchemes",
                Map.of("bearerAuth", Map.of("type", "http", "scheme", "bearer", "description", "A Keel API key")));
        components.put("schemas", KnownShapes.schemas());
        doc.put("components", components);
        return doc;
    }

    /** {@code /runs/{id}/metrics/{key*}} in OpenAPI's spelling: {@code /runs/{id}/metrics/{key}}. */
    public static String path(String pattern) {
        return pattern.replace("*}", "}");
    }

    private static Map<String, Object> operation(Route route, boolean anonymousReads) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("summary", route.summary() == null ? route.method() + " " + route.pattern() : route.summary());
        op.put("operationId", operationId(route));
        op.put("description", "Access: " + describe(route.access()) + ".");
        op.put("x-keel-access", route.access().getClass().getSimpleName());
        op.put("security", security(route, anonymousReads));
        List<Object> parameters = RequestShapes.parameters(route);
        if (!parameters.isEmpty()) {
            op.put("parameters", parameters);
        }
        Map<String, Object> body = RequestShapes.body(route);
        if (body != null) {
            op.put("requestBody", body);
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        if (KnownShapes.noContent(route)) {
            responses.put("204", Map.of("description", "done; no body"));
        } else {
            Map<String, Object> content = new LinkedHashMap<>();
            for (String type : KnownShapes.contentTypes(route)) {
                content.put(
                        type,
                        Map.of(
                                "schema",
                                type.equals("application/json")
                                        ? KnownShapes.response(route)
                                        : type.equals("text/event-stream")
                                                ? KnownShapes.serverSentEvent()
                                                : Map.of("type", "string")));
            }
            responses.put("200", Map.of("description", "success", "content", content));
        }
        responses.put(
                "default",
                Map.of(
                        "description",
                        "an error",
                        "content",
                        Map.of("application/json", Map.of("schema", ref("Error")))));
        op.put("responses", responses);
        return op;
    }

    /**
     * No key for routes open to anyone; else a key, which anonymous readers of a server with
     * anonymous reads may leave out on routes that only read.
     */
    private static List<Object> security(Route route, boolean anonymousReads) {
        if (route.access() instanceof Access.Anyone) {
            return List.of();
        }
        Map<String, Object> bearer = Map.of("bearerAuth", List.of());
        boolean reads = route.method().equals("GET")
                || route.method().equals("HEAD")
                || route.pattern().endsWith("/search")
                || route.pattern().endsWith("/blobs/fetch");
        return anonymousReads && reads ? List.of(bearer, Map.of()) : List.of(bearer);
    }

    static Map<String, Object> ref(String schema) {
        return Map.of("$ref", "#/components/schemas/" + schema);
    }

    private static String operationId(Route route) {
        StringBuilder id = new StringBuilder(route.method().toLowerCase(Locale.ROOT));
        for (String part : route.pattern().split("[/{}*._-]+")) {
            if (!part.isEmpty() && !part.equals("api") && !part.equals("v1")) {
                id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return id.toString();
    }

    /** The access rule in words, for readers of the document. */
    static String describe(Access access) {
        if (access instanceof Access.Anyone) {
            return "anyone, without an API key";
        }
        if (access instanceof Access.Authenticated) {
            return "any signed-in user; results are limited to what the caller may read";
        }
        if (access instanceof Access.Admin) {
            return "admins only";
        }
        if (access instanceof Access.Project p) {
            return need(p.need()) + " access to the project named by {" + p.param() + "}";
        }
        if (access instanceof Access.Run r) {
            return need(r.need()) + " access to the project of the run {" + r.param() + "}";
        }
        if (access instanceof Access.Dataset d) {
            return need(d.need()) + " access to the dataset named by {" + d.param() + "}";
        }
        if (access instanceof Access.Sweep s) {
            return need(s.need()) + " access to the project of the sweep {" + s.param() + "}";
        }
        if (access instanceof Access.Model m) {
            return need(m.need()) + " access to the project of the registered model {" + m.param() + "}";
        }
        if (access instanceof Access.InHandler h) {
            return "checked by the handler: " + h.why();
        }
        return access.toString();
    }

    private static String need(Access.Need need) {
        return need == Access.Need.READ ? "read" : "write";
    }
}
