package dev.keel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.model.Lineage;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelRef;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.RegisteredModel;
import dev.keel.core.model.Registration;
import dev.keel.core.model.VersionDraft;
import dev.keel.core.store.wire.ModelWire;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.AccessRules;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.auth.Principal;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code POST /api/v1/models/{model}/versions}: registers the next version from a run the caller
 * may write. Either the server picks the files ({@code checkpoint}: best, last or a file;
 * {@code path}: a logged file or folder; neither: the best checkpoint) and reads the lineage
 * itself, or the body lists them ({@code files} with {@code lineage}, what a remote
 * {@code ModelStore} sends). Listed files must be files of that run: a content hash grants
 * nothing, so bytes held only by other runs cannot be registered. The rest of a listed lineage
 * is taken as sent: whoever may write the run could log the same values into it.
 */
final class ModelRegistrations {
    private static final Set<String> FIELDS =
            Set.of("run", "checkpoint", "path", "description", "tags", "signature", "project", "files", "lineage");

    void register(Router router, ServerContext ctx, AccessRules rules) {
        router.post(
                ModelsApi.MODEL + "/versions",
                Access.inHandler("write access to the project of the run named in the body; an existing model must"
                        + " be one the caller may read, of that project"),
                "Register the next version from a run: {run, checkpoint?: best|last|FILE, path?, description?, tags?,"
                        + " signature?} or {run, files: [{path, hash, size}], lineage, …}",
                request -> Response.json(201, ModelWire.toMap(register(ctx, rules, request))));
    }

    private static ModelVersion register(ServerContext ctx, AccessRules rules, Request request) {
        String name = request.param("model");
        ModelRef.checkName(name, name);
        JsonNode body = AuthFields.object(request.json(), FIELDS);
        String runId = AuthFields.text(body, "run", true);
        Principal who = request.principal();
        rules.checkRun(who, runId, Access.Need.WRITE);
        RunInfo run = ctx.store().run(runId).orElseThrow();
        Optional<RegisteredModel> existing = ctx.store().models().model(name);
        if (existing.isPresent()
                && !ctx.authorizer()
                        .canRead(who, Resource.project(existing.get().project()))) {
            throw new KeelException(
                    ErrorCode.RESOURCE_ALREADY_EXISTS,
                    "the model name '" + name + "' is taken by a model you may not see: register under another name");
        }
        String by = DatasetsApi.owner(who);
        Map<String, String> tags = tags(body);
        String description = AuthFields.text(body, "description", false);
        String signature = AuthFields.text(body, "signature", false);
        if (!body.has("files")) {
            if (body.has("lineage")) {
                throw KeelException.invalid("'lineage' comes with 'files'; without them the server reads the run's");
            }
            Registration what = Registration.of(runId)
                    .checkpoint(AuthFields.text(body, "checkpoint", false))
                    .path(AuthFields.text(body, "path", false))
                    .description(description == null ? "" : description)
                    .signature(signature == null ? "" : signature)
                    .by(by);
            for (Map.Entry<String, String> t : tags.entrySet()) {
                what = what.tag(t.getKey(), t.getValue());
            }
            return new ModelRegistry(ctx.store(), ctx.blobs(), ctx.datasets()).register(name, what);
        }
        if (body.has("checkpoint") || body.has("path")) {
            throw KeelException.invalid("give either 'files' or 'checkpoint'/'path', not both");
        }
        String project = AuthFields.text(body, "project", false);
        if (project != null && !project.equals(run.project())) {
            throw KeelException.invalid("run " + runId + " belongs to project " + run.project() + ", not " + project);
        }
        List<ModelFile> files = ModelWire.filesFrom(body.path("files"));
        checkHeld(ctx, runId, files);
        Lineage sent = ModelWire.lineageFrom(body.path("lineage"));
        if (!sent.runId().isEmpty() && !sent.runId().equals(runId)) {
            throw KeelException.invalid("the lineage names run " + sent.runId() + ", the registration run " + runId);
        }
        Lineage lineage = new Lineage(runId, sent.datasets(), sent.commit(), sent.config(), sent.metrics());
        VersionDraft draft = new VersionDraft(files, lineage, signature, tags, description, by);
        return ctx.store().models().register(name, run.project(), by, draft);
    }

    /** Every listed content must be one of the run's own files, with its bytes on this server. */
    private static void checkHeld(ServerContext ctx, String runId, List<ModelFile> files) {
        if (files.isEmpty()) {
            throw KeelException.invalid("'files' is empty: a version holds at least one file");
        }
        Set<String> held = ctx.store().files(runId).stream().map(RunFile::hash).collect(Collectors.toSet());
        for (ModelFile f : files) {
            if (!held.contains(f.hash()) || !ctx.blobs().has(f.hash())) {
                throw KeelException.invalid("run " + runId + " holds no file with the content of '" + f.path() + "' ("
                        + f.hash() + "): a version lists files its run logged and uploaded; log the file with the"
                        + " run first");
            }
        }
    }

    private static Map<String, String> tags(JsonNode body) {
        JsonNode tags = body.get("tags");
        Map<String, String> out = new LinkedHashMap<>();
        if (tags == null || tags.isNull()) {
            return out;
        }
        if (!tags.isObject()) {
            throw KeelException.invalid("field 'tags' must be an object of {key: value}");
        }
        tags.properties().forEach(e -> {
            if (!e.getValue().isTextual()) {
                throw KeelException.invalid("tag '" + e.getKey() + "' must have a string value");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }
}
