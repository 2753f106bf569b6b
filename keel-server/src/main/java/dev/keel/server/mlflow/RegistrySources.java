package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.data.RunInput;
import dev.keel.core.model.Lineage;
import dev.keel.core.model.ModelFile;
import dev.keel.core.store.LoggedModel;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access.Need;
import dev.keel.server.auth.Principal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the {@code source} of MLflow's {@code model-versions/create} into the files of a Keel
 * model version: a logged model ({@code models:/m-…}, its {@code model_id}, or its artifact
 * location), or a folder of a run's artifacts ({@code runs:/RUN/PATH} or the run's
 * {@code mlflow-artifacts:/EXP/RUN/artifacts/PATH}). The files are the hashes the run or logged
 * model already holds, so no bytes are copied; the caller must be allowed to read the source.
 */
final class RegistrySources {
    private static final String PROXY = "mlflow-artifacts:";

    /** What a version is made of: its files, the run behind it (may be empty), its project. */
    record Source(List<ModelFile> files, String runId, String project, String modelId) {}

    private final ServerContext ctx;
    private final MlflowAccess access;
    private final LoggedModelRoutes loggedModels;
    private final Experiments experiments;

    RegistrySources(ServerContext ctx, MlflowAccess access, LoggedModelRoutes loggedModels, Experiments experiments) {
        this.ctx = ctx;
        this.access = access;
        this.loggedModels = loggedModels;
        this.experiments = experiments;
    }

    Source resolve(Principal who, String source, String modelId, String runId) {
        if (modelId != null && !modelId.isEmpty()) {
            return logged(who, modelId, "");
        }
        String s = source == null ? "" : source.strip();
        if (s.startsWith("models:/m-")) {
            String rest = s.substring("models:/".length());
            int slash = rest.indexOf('/');
            return logged(who, slash < 0 ? rest : rest.substring(0, slash), slash < 0 ? "" : rest.substring(slash + 1));
        }
        if (s.startsWith("runs:/")) {
            String rest = s.substring("runs:/".length());
            int slash = rest.indexOf('/');
            String run = slash < 0 ? rest : rest.substring(0, slash);
            String path = slash < 0 ? "" : LoggedModelRoutes.strip(rest.substring(slash + 1));
            return fromRun(who, run, path, true);
        }
        if (s.startsWith(PROXY)) {
            String path = s.substring(PROXY.length());
            if (path.startsWith("//")) { // mlflow-artifacts://host:port/path
                int slash = path.indexOf('/', 2);
                path = slash < 0 ? "" : path.substring(slash);
            }
            while (path.startsWith("/")) {
                path = path.substring(1);
            }
            path = LoggedModelRoutes.strip(path);
            if (LoggedModelRoutes.owns(path)) {
                String[] parts = path.split("/", 5);
                return logged(who, parts[2], parts.length == 5 ? parts[4] : "");
            }
            String[] parts = path.split("/", 4);
            if (parts.length >= 3 && parts[2].equals("artifacts")) {
                return fromRun(who, parts[1], parts.length == 4 ? parts[3] : "", false);
            }
        }
        if (runId != null && !runId.isEmpty() && !s.contains(":")) {
            return fromRun(who, runId, LoggedModelRoutes.strip(s), false);
        }
        throw KeelException.invalid("Unsupported model version source '" + source + "': this server registers"
                + " models:/m-<id> (a logged model), runs:/<run id>/<path> or a run's or logged model's"
                + " mlflow-artifacts:/ location");
    }

    private Source logged(Principal who, String id, String sub) {
        LoggedModel m = loggedModels.model(who, id, Need.READ);
        String dir = LoggedModelRoutes.strip(Limits.artifactPath(sub));
        String prefix = dir.isEmpty() ? "" : dir + "/";
        List<ModelFile> files = new ArrayList<>();
        for (ModelFile f : ctx.store().mlflowModels().orElseThrow().loggedModelFiles(m.id())) {
            if (f.path().startsWith(prefix)) {
                files.add(new ModelFile(f.path().substring(prefix.length()), f.hash(), f.size()));
            }
        }
        if (files.isEmpty()) {
            throw KeelException.invalid("logged model " + m.id() + " holds no files"
                    + (dir.isEmpty() ? "" : " under '" + dir + "'") + ": log the model's files before registering it");
        }
        String project = experiments.byId(Long.toString(m.experimentId())).project();
        return new Source(files, m.sourceRunId(), project, m.id());
    }

    private Source fromRun(Principal who, String runId, String path, boolean loggedModelFallback) {
        RunInfo run = access.run(who, runId, Need.READ);
        String dir = Limits.artifactPath(path);
        String prefix = dir.isEmpty() ? "" : dir + "/";
        List<ModelFile> files = new ArrayList<>();
        for (RunFile f : ctx.store().files(run.id())) {
            if (f.name().startsWith(prefix)) {
                files.add(new ModelFile(f.name().substring(prefix.length()), f.hash(), f.size()));
            } else if (f.name().equals(dir)) {
                files.add(new ModelFile(dir.substring(dir.lastIndexOf('/') + 1), f.hash(), f.size()));
            }
        }
        if (!files.isEmpty()) {
            return new Source(files, run.id(), run.project(), "");
        }
        if (loggedModelFallback) {
            // MLflow 3 logs a model beside the run, as a logged model named after the artifact path
            var store = ctx.store().mlflowModels().orElseThrow();
            Long exp = experiments.forProject(run.project()).id();
            for (LoggedModel m : store.loggedModels(List.of(exp))) {
                if (m.active() && m.sourceRunId().equals(run.id()) && m.name().equals(dir)) {
                    return logged(who, m.id(), "");
                }
            }
        }
        throw KeelException.notFound("Unable to find a logged_model with artifact_path " + dir + " under run "
                + run.id() + ", nor artifacts there");
    }

    /** The run's lineage at registration: datasets it used, its commit, config and numeric summary. */
    Lineage lineage(String runId) {
        if (runId == null || runId.isEmpty()) {
            return new Lineage("", List.of(), "", Map.of(), Map.of());
        }
        RunInfo run = ctx.store().run(runId).orElse(null);
        if (run == null) {
            return new Lineage(runId, List.of(), "", Map.of(), Map.of());
        }
        List<String> used = new ArrayList<>();
        if (ctx.datasets() != null) {
            for (RunInput in : ctx.datasets().inputsOf(run.id())) {
                if (!used.contains(in.ref())) {
                    used.add(in.ref());
                }
            }
        }
        String commit = "";
        if (ctx.store().provenance(run.id()).get("git") instanceof Map<?, ?> git
                && git.get("commit") instanceof String c) {
            commit = c;
        }
        Map<String, Double> metrics = new TreeMap<>();
        run.summary().forEach((k, v) -> {
            if (v instanceof Number n) {
                metrics.put(k, n.doubleValue());
            }
        });
        return new Lineage(run.id(), used, commit, run.config(), metrics);
    }
}
