package dev.keel.server.mlflow;

import dev.keel.server.auth.Access;
import dev.keel.server.http.Handler;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MLflow's GenAI tracing endpoints, which this server does not implement: every call answers
 * MLflow's error JSON saying so (NOT_IMPLEMENTED, 501, which MLflow's clients do not retry),
 * rather than a bare "no such endpoint" that reads like a wrong URL.
 */
final class TracingRoutes {
    private static final List<String> BASES =
            List.of("/api/2.0/mlflow/traces", "/api/3.0/mlflow/traces", "/ajax-api/2.0/mlflow/traces");

    private TracingRoutes() {}

    static void register(Router router) {
        Handler refuse = request -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error_code", "NOT_IMPLEMENTED");
            body.put(
                    "message",
                    "Tracing (MLflow's GenAI traces) is not supported by this server: it keeps runs, logged"
                            + " models and the model registry. Send traces to an MLflow server, or turn tracing off"
                            + " (e.g. mlflow.tracing.disable())");
            return Response.json(501, body);
        };
        // answered in the handler without looking at anything: the same refusal for every caller
        // the server admits (a server closed to anonymous callers asks them to sign in first)
        Access none = Access.inHandler("none: every admitted caller is told tracing is not supported");
        for (String base : BASES) {
            for (String pattern : List.of(base, base + "/{rest*}")) {
                router.get(pattern, none, "MLflow tracing: not supported by this server", refuse);
                router.post(pattern, none, "MLflow tracing: not supported by this server", refuse);
                router.patch(pattern, none, "MLflow tracing: not supported by this server", refuse);
                router.delete(pattern, none, "MLflow tracing: not supported by this server", refuse);
            }
        }
    }
}
