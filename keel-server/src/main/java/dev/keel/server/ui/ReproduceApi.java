package dev.keel.server.ui;

import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.data.RunInput;
import dev.keel.core.provenance.Reproductions;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.http.Router;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The run page's Reproduce box: the commands that bring a run back, only commands the
 * {@code keel} command line has today (keel-cli's ReproduceCommandsParseTest parses each one
 * with the real command tree), so a user can paste every line; then the verdicts
 * {@code keel reproduce} recorded on the run's reproductions (newest first), and, on a
 * reproduction's own page, the verdict against its original.
 */
final class ReproduceApi {
    /** The states {@code keel run resume} accepts (it refuses running, finished and stopped runs). */
    private static final Set<RunState> RESUMABLE = Set.of(RunState.FAILED, RunState.KILLED, RunState.CRASHED);

    /** A run page lists this many of a run's reproductions. */
    static final int MAX_REPRODUCTIONS = 10;

    void register(Router router, ServerContext ctx) {
        router.get(
                "/api/v1/runs/{id}/reproduce",
                Access.runRead("id"),
                "Commands that reproduce, show, resume or rebuild a run's inputs (git commit, dataset versions);"
                        + " the verdicts of its reproductions, and of the run it reproduces",
                request -> {
                    String id = request.param("id");
                    RunInfo run = ctx.liveness()
                            .apply(ctx.store()
                                    .run(id)
                                    .orElseThrow(() -> KeelException.notFound("run " + id + " does not exist")));
                    List<RunInput> inputs = new ArrayList<>();
                    if (ctx.datasets() != null) {
                        for (RunInput in : ctx.datasets().inputsOf(id)) {
                            if (ctx.authorizer().canRead(request.principal(), Resource.dataset(in.dataset()))) {
                                inputs.add(in);
                            }
                        }
                    }
                    Map<String, Object> provenance = ctx.store().provenance(id);
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("commands", commands(run, provenance, inputs));
                    out.put("reproductions", reproductions(ctx.store(), run));
                    out.put("reproduces", reproduces(ctx.store(), provenance));
                    return out;
                });
    }

    /** The runs {@code keel reproduce} started from this one, each with its recorded verdict. */
    static List<Map<String, Object>> reproductions(Store store, RunInfo run) {
        List<Map<String, Object>> out = new ArrayList<>();
        RunQuery query = new RunQuery(run.project(), Reproductions.of(run.id()), null, true, MAX_REPRODUCTIONS, 0);
        for (RunInfo copy : store.searchRuns(query)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", copy.id());
            m.put("name", copy.name());
            m.put("state", copy.state().label());
            m.put("created_at", copy.createdAt());
            m.put("record", store.provenance(copy.id()).get(Reproductions.RECORD));
            out.add(m);
        }
        return out;
    }

    /** For a reproduction: the run it reproduces and the verdict; null for any other run. */
    static Map<String, Object> reproduces(Store store, Map<String, Object> provenance) {
        if (provenance == null || !(provenance.get(Reproductions.REPRODUCES) instanceof String original)) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", original);
        m.put("name", store.run(original).map(RunInfo::name).orElse(null));
        m.put("record", provenance.get(Reproductions.RECORD));
        return m;
    }

    static List<Map<String, String>> commands(RunInfo run, Map<String, Object> provenance, List<RunInput> inputs) {
        List<Map<String, String>> out = new ArrayList<>();
        if (reproducible(provenance)) {
            out.add(command(
                    "keel reproduce " + run.id(),
                    "run it again from its recorded commit, diff, datasets and environment, and compare the metrics"));
        }
        if (provenance != null
                && provenance.get("git") instanceof Map<?, ?> git
                && git.get("commit") instanceof String commit
                && !commit.isBlank()) {
            out.add(command(
                    "git checkout " + commit,
                    "the code at the commit the run started from"
                            + (Boolean.TRUE.equals(git.get("dirty"))
                                    ? " (it had uncommitted changes: see its diff)"
                                    : "")));
        }
        for (RunInput in : inputs) {
            out.add(command(
                    "keel data checkout " + in.ref() + " data/" + in.dataset(), "the dataset version the run used"));
        }
        if (RESUMABLE.contains(run.state()) && recordedCommand(provenance)) {
            out.add(command("keel run resume " + run.id(), "continue this run from its last checkpoint"));
        }
        out.add(command("keel run show " + run.id(), "the run's config, summary and provenance in the terminal"));
        return out;
    }

    /** What {@code keel reproduce} needs: a commit to clone and a command to start. */
    private static boolean reproducible(Map<String, Object> provenance) {
        return recordedCommand(provenance)
                && provenance.get("git") instanceof Map<?, ?> git
                && git.get("commit") instanceof String commit
                && !commit.isBlank();
    }

    /** {@code keel run resume} starts the recorded words again; without them it can only refuse. */
    private static boolean recordedCommand(Map<String, Object> provenance) {
        return provenance != null
                && provenance.get("command") instanceof Map<?, ?> c
                && c.get("argv") instanceof List<?> argv
                && !argv.isEmpty();
    }

    private static Map<String, String> command(String line, String purpose) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("command", line);
        m.put("purpose", purpose);
        return m;
    }
}
