package dev.keel.server.openapi;

import dev.keel.server.ServerContext;
import dev.keel.server.api.ApiModule;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Router;

/**
 * {@code GET /api/v1/openapi.json}: the OpenAPI 3 document of every route this server has,
 * built from the router's own list at request time, so routes added by any module appear in it
 * without anyone editing a file.
 */
public final class OpenApiModule implements ApiModule {

    @Override
    public void register(Router router, ServerContext context) {
        router.get(
                "/api/v1/openapi.json",
                Access.anyone(),
                "This document: the API's routes, parameters, access rules" + " and JSON shapes",
                request -> OpenApiDocument.build(
                        router.routes(), context.settings().anonymousReads()));
    }
}
