package dev.keel.server.api;

import dev.keel.server.ServerContext;
import dev.keel.server.http.Router;

/** A group of routes (runs, datasets, MLflow's API, the web UI…) added to the server's router. */
public interface ApiModule {
    void register(Router router, ServerContext context);
}
