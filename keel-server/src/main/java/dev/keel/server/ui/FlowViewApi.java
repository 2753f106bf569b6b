package dev.keel.server.ui;

import dev.keel.core.RunInfo;
import dev.keel.core.flow.ProjectFlow;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Router;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The project page's and a stage run's flow drawing in one request: the flow {@code keel repro}
 * last recorded (null when none, so a project without stages costs no failed request) and the
 * last run of each stage with its state.
 */
final class FlowViewApi {
    void register(Router router, ServerContext ctx) {
        router.get(
                "/api/v1/projects/{project}/flow-view",
                Access.projectRead("project"),
                "The project's flow for the dashboard: {flow: the recorded flow or null, runs: {id: {id, name, state}}}"
                        + " for each stage's last run",
                request -> {
                    String project = request.param("project");
                    Optional<ProjectFlow> flow = ctx.store().flow(project);
                    Map<String, Object> runs = new LinkedHashMap<>();
                    flow.ifPresent(f -> {
                        for (ProjectFlow.Stage st : f.stages()) {
                            if (st.lastRun() == null || runs.containsKey(st.lastRun())) {
                                continue;
                            }
                            ctx.store()
                                    .run(st.lastRun())
                                    .filter(r -> r.project().equals(project))
                                    .map(ctx.liveness())
                                    .ifPresent(r -> runs.put(r.id(), brief(r)));
                        }
                    });
                    Map<String, Object> out = new HashMap<>();
                    out.put("flow", flow.map(ProjectFlow::toMap).orElse(null));
                    out.put("runs", runs);
                    return out;
                });
    }

    private static Map<String, Object> brief(RunInfo r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("name", r.name());
        m.put("state", r.state().label());
        return m;
    }
}
