package dev.keel.server.ui;

import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.data.RunInput;
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
 * The commands that bring a run back, for the run page's Reproduce box: only commands the
 * {@code keel} command line has today (keel-cli's ReproduceCommandsParseTest parses each one
 * with the real command tree), so a user can paste every line.
 */
final class ReproduceApi {
    /** The states {@code keel run resume} accepts (it refuses running, finished and stopped runs). */
    private static final Set<RunState> RESUMABLE = Set.of(RunState.FAILED, RunState.KILLED, RunState.CRASHED);

    void register(Router router, ServerContext ctx) {
        router.get(
                "/api/v1/runs/{id}/reproduce",
                Access.runRead("id"),
                "Commands that show, resume or rebuild a run's inputs (git commit, dataset versions)",
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
                    return Map.of("commands", commands(run, ctx.store().provenance(id), inputs));
                });
    }

    static List<Map<String, String>> commands(RunInfo run, Map<String, Object> provenance, List<RunInput> inputs) {
        List<Map<String, String>> out = new ArrayList<>();
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
