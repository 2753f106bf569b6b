package dev.keel.server.ops;

import dev.keel.server.ServerContext;
import dev.keel.server.api.ApiModule;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;

import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: the process's metrics in the Prometheus text format. Open to anyone,
 * as scrapers do not sign in: it holds counts and timings by route pattern, never user names,
 * project names or paths.
 */
public final class MetricsApi implements ApiModule {
    private final ServerMetrics metrics;

    public MetricsApi(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void register(Router router, ServerContext context) {
        router.get(
                "/metrics",
                Access.anyone(),
                "Prometheus metrics of this server process",
                request -> Response.bytes(
                        200, "text/plain; version=0.0.4", metrics.scrape().getBytes(StandardCharsets.UTF_8)));
    }
}
