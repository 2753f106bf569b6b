package dev.keel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.model.ModelRef;
import dev.keel.core.model.ModelStore;
import dev.keel.core.model.RegisteredModel;
import dev.keel.core.store.wire.ModelWire;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.AccessRules;
import dev.keel.server.auth.Principal;
import dev.keel.server.http.Request;
import dev.keel.server.http.Router;

import java.util.Set;

/**
 * Renaming a registered model and changing descriptions ({@code keel model rename|describe} over a
 * server). Whoever may write the model's project changes a description; only the model's owner or
 * an admin renames it, because a rename breaks every {@code models:/NAME@ALIAS} others load by it.
 */
final class ModelEdits {

    void register(Router router, ServerContext ctx, AccessRules rules) {
        router.post(
                ModelsApi.MODEL + "/rename",
                Access.modelWrite("model"),
                "Rename a model {new_name}, keeping its versions, aliases and alias history; the model's owner or an"
                        + " admin only",
                request -> rename(ctx, rules, request));
        router.patch(
                ModelsApi.MODEL, Access.modelWrite("model"), "Replace a model's description {description}", request -> {
                    String name = request.param("model");
                    ModelsApi.models(ctx).describe(name, 0, description(request));
                    return ModelWire.toMap(ModelsApi.models(ctx).model(name).orElseThrow());
                });
        router.patch(
                ModelsApi.MODEL + "/versions/{version}",
                Access.modelWrite("model"),
                "Replace a version's description {description}",
                request -> {
                    String name = request.param("model");
                    int version = ModelsApi.versionNumber(name, request.param("version"));
                    ModelsApi.models(ctx).describe(name, version, description(request));
                    return ModelWire.toMap(
                            ModelsApi.models(ctx).version(name, version).orElseThrow());
                });
    }

    private static Object rename(ServerContext ctx, AccessRules rules, Request request) {
        String name = request.param("model");
        Principal who = request.principal();
        RegisteredModel m = rules.checkModel(who, name, Access.Need.WRITE);
        if (!who.admin() && !m.owner().equals(DatasetsApi.owner(who))) {
            throw new KeelException(
                    ErrorCode.PERMISSION_DENIED,
                    "only the owner of model " + name + " (" + (m.owner().isEmpty() ? "none" : m.owner())
                            + ") or an admin may rename it");
        }
        JsonNode body = AuthFields.object(request.json(), Set.of("new_name"));
        String newName = AuthFields.text(body, "new_name", true);
        ModelRef.checkName(newName, newName);
        boolean takenByMlflow = ctx.store()
                .mlflowModels()
                .map(s -> s.emptyModel(newName).isPresent())
                .orElse(false);
        if (takenByMlflow) {
            // MLflow's registered models without versions share the names of Keel's
            throw new KeelException(
                    ErrorCode.RESOURCE_ALREADY_EXISTS,
                    "a model named " + newName + " already exists: choose another name");
        }
        ModelStore models = ModelsApi.models(ctx);
        models.rename(name, newName);
        return ModelWire.toMap(models.model(newName).orElseThrow());
    }

    private static String description(Request request) {
        JsonNode body = AuthFields.object(request.json(), Set.of("description"));
        return AuthFields.text(body, "description", true);
    }
}
