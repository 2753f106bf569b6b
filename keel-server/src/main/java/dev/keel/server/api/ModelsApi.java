package dev.keel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.core.model.AliasMove;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelRef;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.model.ModelStore;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.RegisteredModel;
import dev.keel.core.store.wire.ModelWire;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.AccessRules;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The model registry ({@code /api/v1/models}): registered models, their versions, aliases (moved
 * through an optional gate, every move kept) and tags, and a version's files for {@code keel model
 * pull}. A model belongs to the project of the run it was registered from: whoever may read that
 * project sees the model, whoever may write it changes the model, and visibility is the
 * project's (changed by its owner or an admin), so on a team server a team project's registry is
 * the team's. Registrations go through {@link ModelRegistrations}.
 */
public final class ModelsApi implements ApiModule {
    static final String BASE = "/api/v1/models";
    static final String MODEL = BASE + "/{model}";

    @Override
    public void register(Router router, ServerContext ctx) {
        AccessRules rules = new AccessRules(ctx.authorizer(), ctx.store());
        router.get(
                BASE,
                Access.inHandler("read access to the project in query 'project'; without it, only the models of"
                        + " projects the caller may read are listed"),
                "Registered models (of the project in query 'project', or every one the caller may read), by name,"
                        + " with their latest version and aliases",
                request -> list(ctx, rules, request));
        router.get(MODEL, Access.modelRead("model"), "A registered model, its latest version and aliases", request -> {
            RegisteredModel m = rules.checkModel(request.principal(), request.param("model"), Access.Need.READ);
            return summary(models(ctx), m);
        });
        router.get(
                MODEL + "/versions",
                Access.modelRead("model"),
                "A model's versions, oldest first, each with its files, lineage and metrics",
                request -> Map.of(
                        "versions",
                        models(ctx).versions(request.param("model")).stream()
                                .map(ModelWire::toMap)
                                .toList()));
        new ModelRegistrations().register(router, ctx, rules);
        new ModelEdits().register(router, ctx, rules);
        router.get(
                MODEL + "/versions/{version}",
                Access.modelRead("model"),
                "One version: {version} is N, vN or latest",
                request -> ModelWire.toMap(version(ctx, request)));
        router.delete(
                MODEL + "/versions/{version}",
                Access.modelWrite("model"),
                "Remove a version (refused while an alias points at it); the model goes with its last version",
                request -> {
                    ModelVersion v = version(ctx, request);
                    models(ctx).deleteVersion(v.model(), v.version());
                    return Response.noContent();
                });
        router.get(
                MODEL + "/versions/{version}/files/{file*}",
                Access.modelRead("model"),
                "Download one of a version's files (what 'keel model pull' writes)",
                request -> file(ctx, request));
        router.post(
                MODEL + "/tags",
                Access.modelWrite("model"),
                "Set tags {tags: {key: value}} on a version ({version}) or the model itself (no version); an empty"
                        + " value removes the tag",
                request -> tag(ctx, request));
        router.get(
                MODEL + "/aliases",
                Access.modelRead("model"),
                "A model's aliases (alias → version) and every move of them, oldest first",
                request -> {
                    String name = request.param("model");
                    return Map.of(
                            "aliases",
                            models(ctx).aliases(name),
                            "moves",
                            models(ctx).aliasMoves(name).stream()
                                    .map(ModelWire::toMap)
                                    .toList());
                });
        router.get(
                MODEL + "/aliases/{alias}",
                Access.modelRead("model"),
                "The version the alias points at (models:/NAME@ALIAS); latest is the newest version",
                request -> ModelWire.toMap(
                        models(ctx).resolve(ModelRef.parse(request.param("model") + "@" + request.param("alias")))));
        router.put(
                MODEL + "/aliases/{alias}",
                Access.modelWrite("model"),
                "Point the alias at {version} (N or vN), after checking the gate {require} (e.g. 'test_accuracy >="
                        + " 0.88') against the version's metrics; the move is kept with who made it",
                request -> moveAlias(ctx, request));
        router.delete(
                MODEL + "/aliases/{alias}",
                Access.modelWrite("model"),
                "Remove the alias (kept in its history as a move to version 0): {removed}",
                request -> Map.of(
                        "removed",
                        models(ctx)
                                .removeAlias(
                                        request.param("model"),
                                        alias(request),
                                        DatasetsApi.owner(request.principal()))));
        router.get(
                "/api/v1/runs/{id}/models",
                Access.runRead("id"),
                "The model versions registered from a run",
                request -> Map.of(
                        "versions",
                        models(ctx).versionsOfRun(request.param("id")).stream()
                                .map(ModelWire::toMap)
                                .toList()));
    }

    private static Object list(ServerContext ctx, AccessRules rules, Request request) {
        Optional<String> project = request.query("project");
        if (project.isPresent()) {
            rules.check(request.principal(), Resource.project(project.get()), Access.Need.READ);
        }
        ModelStore models = models(ctx);
        List<Object> out = new ArrayList<>();
        for (RegisteredModel m : models.models()) {
            if ((project.isEmpty() || project.get().equals(m.project()))
                    && ctx.authorizer().canRead(request.principal(), Resource.project(m.project()))) {
                out.add(summary(models, m));
            }
        }
        return Map.of("models", out);
    }

    private static Map<String, Object> summary(ModelStore models, RegisteredModel m) {
        Map<String, Object> out = ModelWire.toMap(m);
        out.put("latest", models.latest(m.name()).map(ModelVersion::version).orElse(0));
        out.put("aliases", models.aliases(m.name()));
        return out;
    }

    private static Object moveAlias(ServerContext ctx, Request request) {
        JsonNode body = AuthFields.object(request.json(), Set.of("version", "require"));
        JsonNode given = body.get("version");
        if (given == null
                || !(given.isTextual() || given.canConvertToInt())
                || !given.asText().matches("v?[1-9][0-9]{0,8}")) {
            throw KeelException.invalid("field 'version' must be a version of this model: N or vN, e.g. \"v3\"");
        }
        String name = request.param("model");
        AliasMove m = new ModelRegistry(ctx.store(), ctx.blobs(), ctx.datasets())
                .alias(
                        name + "@" + alias(request),
                        given.asText(),
                        AuthFields.text(body, "require", false),
                        DatasetsApi.owner(request.principal()));
        return ModelWire.toMap(m);
    }

    private static Object tag(ServerContext ctx, Request request) {
        JsonNode body = AuthFields.object(request.json(), Set.of("version", "tags"));
        String name = request.param("model");
        int version = 0;
        if (body.hasNonNull("version")) {
            version = versionNumber(name, body.get("version").asText());
        }
        JsonNode tags = body.path("tags");
        if (!tags.isObject() || tags.isEmpty()) {
            throw KeelException.invalid("field 'tags' must be an object of one or more {key: value} (\"\" removes)");
        }
        Map<String, String> changes = new LinkedHashMap<>();
        tags.properties().forEach(e -> {
            if (!e.getValue().isTextual()) {
                throw KeelException.invalid("tag '" + e.getKey() + "' must have a string value");
            }
            changes.put(e.getKey(), e.getValue().asText());
        });
        models(ctx).tag(name, version, changes);
        return Response.noContent();
    }

    private static Object file(ServerContext ctx, Request request) {
        ModelVersion v = version(ctx, request);
        String path = request.param("file");
        ModelFile f = v.files().stream()
                .filter(x -> x.path().equals(path))
                .findFirst()
                .orElseThrow(() -> KeelException.notFound(v.ref() + " has no file " + path));
        if (!ctx.blobs().has(f.hash())) {
            throw KeelException.notFound("the bytes of " + v.ref() + "'s file " + path + " are not on this server");
        }
        String base = path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return Response.stream(200, "application/octet-stream", ctx.blobs().size(f.hash()), out -> {
                    try (InputStream in = ctx.blobs().open(f.hash())) {
                        in.transferTo(out);
                    }
                })
                .header("Content-Disposition", "attachment; filename=\"" + base + "\"")
                .header("Content-Security-Policy", "sandbox");
    }

    private static ModelVersion version(ServerContext ctx, Request request) {
        String name = request.param("model");
        String given = request.param("version");
        if (given.equals("latest")) {
            return models(ctx).resolve(new ModelRef(name, 0, null));
        }
        return models(ctx).resolve(new ModelRef(name, versionNumber(name, given), null));
    }

    static int versionNumber(String name, String given) {
        if (!given.matches("v?[1-9][0-9]{0,8}")) {
            throw KeelException.invalid("'" + given + "' is not a version: use N or vN (e.g. v3), or latest; 'keel"
                    + " model versions " + name + "' lists them");
        }
        return Integer.parseInt(given.startsWith("v") ? given.substring(1) : given);
    }

    private static String alias(Request request) {
        String alias = request.param("alias");
        ModelRef.checkAlias(alias);
        if (alias.equals("latest")) {
            throw KeelException.invalid("'latest' always means the newest version: it is not an alias to set or read");
        }
        return alias;
    }

    static ModelStore models(ServerContext ctx) {
        return ctx.store().models();
    }
}
