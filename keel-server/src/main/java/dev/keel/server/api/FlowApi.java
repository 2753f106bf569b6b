package dev.keel.server.api;

import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.flow.ProjectFlow;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Router;

import java.util.Map;

/**
 * A project's flow, as {@code keel repro} records it and the dashboard draws it: read with the
 * project's read access, replaced whole with its write access.
 */
public final class FlowApi implements ApiModule {

    @Override
    public void register(Router router, ServerContext ctx) {
        router.get(
                "/api/v1/projects/{project}/flow",
                Access.projectRead("project"),
                "The project's flow as last recorded: {project, recorded_at, stages: [{name, parent, command, inputs,"
                        + " outputs, last_run}], edges: [{from, to, via}]}; 404 when none was recorded",
                request -> {
                    String project = request.param("project");
                    return ctx.store()
                            .flow(project)
                            .orElseThrow(() -> KeelException.notFound("project '" + project + "' has no recorded flow:"
                                    + " declare stages in its keel.yaml, then run 'keel repro' or 'keel dag --record'"))
                            .toMap();
                });
        router.put(
                "/api/v1/projects/{project}/flow",
                Access.projectWrite("project"),
                "Record the project's flow (the body as GET answers it), replacing the one before",
                request -> {
                    Map<?, ?> body = Json.MAPPER.convertValue(request.json(), Map.class);
                    ProjectFlow flow = ProjectFlow.fromMap(body, request.param("project"));
                    if (flow.recordedAt() <= 0) {
                        flow = new ProjectFlow(flow.project(), flow.stages(), flow.edges(), System.currentTimeMillis());
                    }
                    ctx.store().saveFlow(flow);
                    return flow.toMap();
                });
    }
}
