package dev.keel.server.api;

import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Router;

import java.util.Map;

/** {@code /healthz}: answers when the server can reach its store. */
public final class HealthApi implements ApiModule {

    @Override
    public void register(Router router, ServerContext context) {
        router.get("/healthz", new Access.Anyone(), "Liveness and store reachability", request -> {
            context.store().nextRunOrdinal("__healthz__");
            return Map.of("status", "ok");
        });
    }
}
