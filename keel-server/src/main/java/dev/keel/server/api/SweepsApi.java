package dev.keel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.core.store.wire.SweepJson;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Access.Need;
import dev.keel.server.auth.AccessRules;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sweeps and their trials ({@code /api/v1/sweeps}), for agents on any machine and the CLI: the
 * server is the coordinator, so it proposes trials itself ({@link SweepPlans}) and reads each
 * sweep's run cap from its configuration. A sweep belongs to its project: reading needs read
 * access to it, everything else write access, and a sweep's id alone grants nothing.
 */
public final class SweepsApi implements ApiModule {
    static final String BASE = "/api/v1/sweeps";
    /** How long an agent may stay silent before its trial is reaped, unless the claim says otherwise. */
    static final long STALE_AFTER_MS = 30_000;

    private static final SecureRandom SEEDS = new SecureRandom();

    @Override
    public void register(Router router, ServerContext ctx) {
        AccessRules rules = new AccessRules(ctx.authorizer(), ctx.store());
        router.post(
                BASE,
                Access.inHandler("write access to the project named in the body"),
                "Create a sweep: {project, name, config (the YAML text), seed?}; the caller owns it",
                request -> create(ctx, rules, request));
        router.get(
                BASE,
                Access.inHandler("read access to the project in query 'project'; without it, only the sweeps of"
                        + " projects the caller may read are listed"),
                "The sweeps of a project (query project), or of every project the caller may read, newest first",
                request -> list(ctx, rules, request));
        router.get(
                BASE + "/{sweep}",
                Access.sweepRead("sweep"),
                "One sweep",
                request -> SweepJson.toMap(sweep(ctx, request)));
        router.patch(
                BASE + "/{sweep}",
                Access.sweepWrite("sweep"),
                "Change a sweep's state: {state: running|paused|stopped|canceled}; stopped, canceled and finished"
                        + " are final",
                request -> {
                    JsonNode body = AuthFields.object(request.json(), Set.of("state"));
                    SweepState state = SweepBodies.sweepState(AuthFields.text(body, "state", true));
                    return SweepJson.toMap(sweeps(ctx).setState(request.param("sweep"), state));
                });
        router.get(
                BASE + "/{sweep}/trials",
                Access.sweepRead("sweep"),
                "A sweep's trials, by number",
                request -> Map.of(
                        "trials",
                        sweeps(ctx).trials(request.param("sweep")).stream()
                                .map(SweepJson::toMap)
                                .toList()));
        router.post(
                BASE + "/{sweep}/claim",
                Access.sweepWrite("sweep"),
                "Hand the calling agent the next trial: {agent, runId (new; a retry with the same one gets the same"
                        + " trial), staleAfterMillis?} → {outcome: granted|wait|done, trial?, reason?}",
                request -> claim(ctx, request));
        router.post(
                BASE + "/{sweep}/trials/{number}/heartbeat",
                Access.sweepWrite("sweep"),
                "The holding agent still runs the trial: {agent} → the trial (a reason set while running asks it to"
                        + " stop)",
                request -> {
                    JsonNode body = AuthFields.object(request.json(), Set.of("agent"));
                    return SweepJson.toMap(sweeps(ctx)
                            .heartbeat(request.param("sweep"), SweepBodies.number(request), SweepBodies.agent(body)));
                });
        router.post(
                BASE + "/{sweep}/trials/{number}/stop",
                Access.sweepWrite("sweep"),
                "Ask a running trial's program to stop early: {reason}",
                request -> {
                    JsonNode body = AuthFields.object(request.json(), Set.of("reason"));
                    String reason = SweepBodies.text(body, "reason", true, SweepBodies.MAX_REASON);
                    int number = SweepBodies.number(request);
                    sweeps(ctx).requestStop(request.param("sweep"), number, reason);
                    return SweepJson.toMap(trial(ctx, request.param("sweep"), number));
                });
        router.post(
                BASE + "/{sweep}/trials/{number}/end",
                Access.sweepWrite("sweep"),
                "The holding agent records how the trial ended, or that it paused at a Hyperband rung; any agent of the"
                        + " sweep may end a paused trial: {agent, state, metric?, reason?}",
                request -> {
                    JsonNode body = AuthFields.object(request.json(), Set.of("agent", "state", "metric", "reason"));
                    return SweepJson.toMap(sweeps(ctx)
                            .end(
                                    request.param("sweep"),
                                    SweepBodies.number(request),
                                    SweepBodies.agent(body),
                                    SweepBodies.trialState(AuthFields.text(body, "state", true)),
                                    SweepBodies.metric(body),
                                    SweepBodies.text(body, "reason", false, SweepBodies.MAX_REASON)));
                });
        router.post(
                BASE + "/{sweep}/trials/{number}/resume",
                Access.sweepWrite("sweep"),
                "Take back a trial paused at a Hyperband rung that its bracket promoted: {agent} → the trial, running"
                        + " again and held by the agent (exactly one agent gets it)",
                request -> {
                    JsonNode body = AuthFields.object(request.json(), Set.of("agent"));
                    return SweepJson.toMap(sweeps(ctx)
                            .resumeTrial(request.param("sweep"), SweepBodies.number(request), SweepBodies.agent(body)));
                });
        router.get(
                "/api/v1/runs/{id}/trial",
                Access.inHandler("read access to the project of the sweep whose trial the run {id} carries"),
                "The sweep trial a run carries (the SDK's stop check)",
                request -> {
                    String id = request.param("id");
                    Optional<Trial> trial = sweeps(ctx).trialOfRun(id);
                    if (trial.isEmpty()) {
                        throw KeelException.notFound("run " + id + " carries no sweep trial (or you may not see it)");
                    }
                    rules.checkSweep(request.principal(), trial.get().sweepId(), Need.READ);
                    return SweepJson.toMap(trial.get());
                });
    }

    private static Object create(ServerContext ctx, AccessRules rules, Request request) {
        JsonNode body = AuthFields.object(request.json(), Set.of("project", "name", "config", "seed"));
        String project = SweepBodies.project(body);
        String config = SweepBodies.text(body, "config", true, SweepBodies.MAX_CONFIG);
        String name = SweepBodies.text(body, "name", false, SweepBodies.MAX_NAME);
        Long seed = SweepBodies.seed(body);
        rules.check(request.principal(), Resource.project(project), Need.WRITE);
        SweepPlans.runCap(config, "config");
        boolean newProject =
                ctx.store().projects().stream().noneMatch(p -> p.name().equals(project));
        Sweep sweep = sweeps(ctx)
                .create(
                        project,
                        name == null ? "" : name,
                        config,
                        seed != null ? seed : SEEDS.nextLong() & Long.MAX_VALUE,
                        DatasetsApi.owner(request.principal()));
        if (newProject) {
            ctx.authorizer().created(request.principal(), Resource.project(project));
        }
        return Response.json(201, SweepJson.toMap(sweep));
    }

    private static Object list(ServerContext ctx, AccessRules rules, Request request) {
        Optional<String> project = request.query("project");
        if (project.isPresent()) {
            rules.check(request.principal(), Resource.project(project.get()), Need.READ);
        }
        List<Object> out = new ArrayList<>();
        for (Sweep s : sweeps(ctx).sweeps(project.orElse(null))) {
            if (request.principal().admin()
                    || ctx.authorizer().canRead(request.principal(), Resource.project(s.project()))) {
                out.add(SweepJson.toMap(s));
            }
        }
        return Map.of("sweeps", out);
    }

    private static Object claim(ServerContext ctx, Request request) {
        JsonNode body = AuthFields.object(request.json(), Set.of("agent", "runId", "staleAfterMillis"));
        String agent = SweepBodies.agent(body);
        String runId = SweepBodies.text(body, "runId", true, 64);
        long staleAfter = SweepBodies.staleAfter(body, STALE_AFTER_MS);
        Sweep sweep = sweep(ctx, request);
        int runCap = SweepPlans.runCap(sweep.config(), "sweep " + sweep.id());
        return SweepJson.toMap(sweeps(ctx).claim(sweep.id(), agent, runId, runCap, staleAfter, SweepPlans.proposer()));
    }

    private static Sweep sweep(ServerContext ctx, Request request) {
        String id = request.param("sweep");
        return sweeps(ctx).sweep(id).orElseThrow(() -> KeelException.notFound("sweep " + id + " does not exist"));
    }

    private static Trial trial(ServerContext ctx, String sweepId, int number) {
        return sweeps(ctx).trials(sweepId).stream()
                .filter(t -> t.number() == number)
                .findFirst()
                .orElseThrow(() -> KeelException.notFound("sweep " + sweepId + " has no trial " + number));
    }

    private static SweepStore sweeps(ServerContext ctx) {
        return ctx.store().sweeps();
    }
}
