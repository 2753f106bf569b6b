package dev.keel.serve.internal;

import dev.keel.server.auth.Access;
import dev.keel.server.http.Route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAPI 3 document of the serving routes, built from the routes themselves. */
final class OpenApi {
    private OpenApi() {}

    static Map<String, Object> document(List<Route> routes) {
        Map<String, Object> paths = new LinkedHashMap<>();
        for (Route r : routes) {
            String path = r.pattern().equals("/v1/models/{call}") ? "/v1/models/{name}:predict" : r.pattern();
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("summary", r.summary());
            op.put("security", r.access() instanceof Access.Anyone ? List.of() : List.of(Map.of("apiKey", List.of())));
            List<Object> params = new ArrayList<>();
            for (String p : r.parameters()) {
                params.add(Map.of(
                        "name",
                        p.equals("call") ? "name" : p,
                        "in",
                        "path",
                        "required",
                        true,
                        "schema",
                        Map.of("type", "string")));
            }
            if (!params.isEmpty()) {
                op.put("parameters", params);
            }
            if (r.method().equals("POST")) {
                op.put(
                        "requestBody",
                        Map.of(
                                "content",
                                Map.of(
                                        "application/octet-stream",
                                                Map.of("schema", Map.of("type", "string", "format", "binary")),
                                        "image/png", Map.of("schema", Map.of("type", "string", "format", "binary")),
                                        "application/json",
                                                Map.of(
                                                        "schema",
                                                        Map.of(
                                                                "type",
                                                                "object",
                                                                "properties",
                                                                Map.of(
                                                                        "instances",
                                                                        Map.of(
                                                                                "type",
                                                                                "array",
                                                                                "items",
                                                                                Map.of(
                                                                                        "type",
                                                                                        "object",
                                                                                        "properties",
                                                                                        Map.of(
                                                                                                "b64",
                                                                                                Map.of(
                                                                                                        "type",
                                                                                                        "string"))))))))));
            }
            op.put(
                    "responses",
                    Map.of(
                            "200", Map.of("description", "OK"),
                            "default", Map.of("description", "{error_code, message}")));
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(path, k -> new LinkedHashMap<>());
            item.put(r.method().toLowerCase(), op);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Map.of("title", "Keel model serving", "version", "1"));
        doc.put("components", Map.of("securitySchemes", Map.of("apiKey", Map.of("type", "http", "scheme", "bearer"))));
        doc.put("paths", paths);
        return doc;
    }
}
