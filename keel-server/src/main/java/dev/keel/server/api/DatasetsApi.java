package dev.keel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetNames;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.RunInput;
import dev.keel.core.data.Visibility;
import dev.keel.data.DatasetHost;
import dev.keel.data.FileEntry;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.auth.Principal;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Datasets and their versions: lists, a dataset with its versions and tags, a version's files,
 * diffs, lineage (runs that used a version, inputs of a run), and the writes (create/update,
 * commit a version from its manifest, tag, delete). The bytes travel through
 * {@link DatasetBlobsApi}. A path's {@code {ref}} is {@code v3}, {@code latest}, a tag or
 * {@code @<hash prefix>}.
 */
public final class DatasetsApi implements ApiModule {
    static final String BASE = "/api/v1/datasets";

    @Override
    public void register(Router router, ServerContext ctx) {
        router.get(BASE, Access.authenticated(), "Datasets the caller may read", request -> {
            DatasetStore store = store(ctx);
            List<Object> out = new ArrayList<>();
            for (Dataset d : store.datasets()) {
                if (ctx.authorizer().canRead(request.principal(), Resource.dataset(d.name()))) {
                    out.add(DatasetViews.dataset(d, store.versions(d.name())));
                }
            }
            return Map.of("datasets", out);
        });
        router.get(BASE + "/{name}", Access.datasetRead("name"), "A dataset with its versions and tags", request -> {
            DatasetStore store = store(ctx);
            Dataset d = dataset(store, request.param("name"));
            List<DatasetVersion> versions = store.versions(d.name());
            Map<String, Object> out = DatasetViews.dataset(d, versions);
            out.put("versions", versions.stream().map(DatasetViews::version).toList());
            out.put("tags", store.tags(d.name()));
            return out;
        });
        router.put(
                BASE + "/{name}",
                Access.datasetWrite("name"),
                "Create a dataset (the caller owns it) or update its description, and its visibility (owner or admin only)",
                request -> save(ctx, request));
        router.delete(
                BASE + "/{name}",
                Access.datasetWrite("name"),
                "Delete a dataset with all its versions (bytes go at the next gc)",
                request -> {
                    if (!store(ctx).deleteDataset(DatasetNames.checkName(request.param("name")))) {
                        throw KeelException.notFound("dataset " + request.param("name") + " does not exist");
                    }
                    return Response.noContent();
                });
        router.get(
                BASE + "/{name}/versions/{ref}",
                Access.datasetRead("name"),
                "One version",
                request -> DatasetViews.version(resolve(ctx, request)));
        router.post(
                BASE + "/{name}/versions",
                Access.datasetWrite("name"),
                "Commit a version: {manifest (base64 of the whole manifest), message, created_at}; the author is the caller;"
                        + " its objects must be uploaded first",
                request -> commit(ctx, request));
        router.delete(
                BASE + "/{name}/versions/{ref}",
                Access.datasetWrite("name"),
                "Delete one version (bytes go at the next gc)",
                request -> {
                    DatasetVersion v = resolve(ctx, request);
                    store(ctx).deleteVersion(v.dataset(), v.number());
                    return Response.noContent();
                });
        router.get(
                BASE + "/{name}/versions/{ref}/files",
                Access.datasetRead("name"),
                "A version's files: prefix, limit, offset",
                request -> files(ctx, request));
        router.get(
                BASE + "/{name}/versions/{ref}/manifest",
                Access.datasetRead("name"),
                "A version's whole manifest (deflated canonical text), as 'keel data pull' reads it",
                request -> {
                    DatasetVersion v = resolve(ctx, request);
                    return Response.bytes(
                                    200, "application/octet-stream", host(ctx).manifestBytes(v))
                            .header("X-Keel-Version-Hash", v.hash());
                });
        router.get(
                BASE + "/{name}/versions/{ref}/runs",
                Access.datasetRead("name"),
                "Runs that used the version (lineage), newest first",
                request -> {
                    DatasetVersion v = resolve(ctx, request);
                    List<Object> runs = new ArrayList<>();
                    Set<String> seen = new HashSet<>();
                    for (RunInput in : store(ctx).usesOf(v.dataset(), v.number())) {
                        Optional<RunInfo> run =
                                seen.add(in.runId()) ? ctx.store().run(in.runId()) : Optional.empty();
                        if (run.isPresent()
                                && ctx.authorizer()
                                        .canRead(
                                                request.principal(),
                                                Resource.project(run.get().project()))) {
                            runs.add(Views.run(ctx.liveness().apply(run.get())));
                        }
                    }
                    return Map.of("runs", runs);
                });
        router.get(
                BASE + "/{name}/diff",
                Access.datasetRead("name"),
                "Paths added, removed and modified from REF to REF",
                request -> {
                    String name = request.param("name");
                    String from = request.query("from")
                            .orElseThrow(() ->
                                    KeelException.invalid("query parameter 'from' is required: a version such as v1"));
                    String to = request.query("to").orElse("latest");
                    return DatasetViews.diff(host(ctx)
                            .diff(host(ctx).resolve(ref(name, from)), host(ctx).resolve(ref(name, to))));
                });
        router.put(
                BASE + "/{name}/tags/{tag}",
                Access.datasetWrite("name"),
                "Point a tag at a version: {ref}",
                request -> {
                    String name = request.param("name");
                    String tag = DatasetNames.checkTag(request.param("tag"));
                    JsonNode ref = request.json().get("ref");
                    if (ref == null || !ref.isTextual()) {
                        throw KeelException.invalid("field 'ref' is required: the version to tag, e.g. \"v3\"");
                    }
                    DatasetVersion v = host(ctx).resolve(ref(name, ref.asText()));
                    store(ctx).tag(name, tag, v.number());
                    return Map.of("tag", tag, "version", DatasetViews.version(v));
                });
        router.delete(BASE + "/{name}/tags/{tag}", Access.datasetWrite("name"), "Remove a tag", request -> {
            if (!store(ctx).untag(DatasetNames.checkName(request.param("name")), request.param("tag"))) {
                throw KeelException.notFound(
                        "dataset " + request.param("name") + " has no tag " + request.param("tag"));
            }
            return Response.noContent();
        });
        router.get("/api/v1/runs/{id}/inputs", Access.runRead("id"), "The dataset versions a run used", request -> {
            List<Object> out = new ArrayList<>();
            for (RunInput in : store(ctx).inputsOf(request.param("id"))) {
                if (ctx.authorizer().canRead(request.principal(), Resource.dataset(in.dataset()))) {
                    out.add(DatasetViews.input(in));
                }
            }
            return Map.of("inputs", out);
        });
    }

    private static Object save(ServerContext ctx, Request request) {
        String name = DatasetNames.checkName(request.param("name"));
        JsonNode body = request.body().length == 0 ? null : request.json();
        if (body != null && !body.isObject()) {
            throw KeelException.invalid("the body must be a JSON object such as {\"description\": \"…\","
                    + " \"visibility\": \"team\"}, or nothing");
        }
        String description = text(body, "description");
        String visibilityText = text(body, "visibility");
        Visibility visibility = visibilityText == null ? null : Visibility.parse(visibilityText);
        DatasetStore store = store(ctx);
        Optional<Dataset> existing = store.dataset(name);
        boolean created = existing.isEmpty();
        Principal who = request.principal();
        if (existing.isPresent()
                && visibility != null
                && visibility != existing.get().visibility()
                && !who.admin()
                && !existing.get().owner().equals(who.user())) {
            // team members may write a team dataset, not decide who else sees it (as for projects)
            throw new KeelException(
                    KeelException.ErrorCode.PERMISSION_DENIED,
                    "only the owner of dataset " + name
                            + " (" + existing.get().owner()
                            + ") or an admin may change who sees it; leave out 'visibility'"
                            + " to change the description");
        }
        Dataset d = store.saveDataset(
                name, owner(request.principal()), description, visibility, System.currentTimeMillis());
        if (created) {
            ctx.authorizer().created(request.principal(), Resource.dataset(name));
        }
        return Response.json(created ? 201 : 200, DatasetViews.dataset(d, store.versions(name)));
    }

    private static Object commit(ServerContext ctx, Request request) {
        String name = DatasetNames.checkName(request.param("name"));
        JsonNode body = request.json();
        String manifest = text(body, "manifest");
        if (manifest == null) {
            throw KeelException.invalid("field 'manifest' is required: the base64 of the version's whole manifest");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(manifest);
        } catch (IllegalArgumentException e) {
            throw KeelException.invalid("field 'manifest' is not base64: " + e.getMessage());
        }
        JsonNode at = body.get("created_at");
        if (at != null && !at.isNull() && !at.canConvertToLong()) {
            throw KeelException.invalid("field 'created_at' must be epoch milliseconds");
        }
        long createdAt = at == null || at.isNull() ? System.currentTimeMillis() : at.asLong();
        // The author on a server is the signed-in caller, whatever the client claims.
        String author = owner(request.principal());
        boolean newDataset = store(ctx).dataset(name).isEmpty();
        DatasetStore.Committed c = DatasetBlobsApi.service(ctx)
                .commit(name, owner(request.principal()), bytes, text(body, "message"), author, createdAt);
        if (newDataset) {
            ctx.authorizer().created(request.principal(), Resource.dataset(name));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("created", c.created());
        out.put("version", DatasetViews.version(c.version()));
        return Response.json(c.created() ? 201 : 200, out);
    }

    private static Object files(ServerContext ctx, Request request) {
        DatasetVersion v = resolve(ctx, request);
        String prefix = request.query("prefix").orElse("");
        int limit = request.queryInt("limit", 1000, 1, 100_000);
        int offset = request.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        List<Object> page = new ArrayList<>();
        int total = 0;
        for (FileEntry f : host(ctx).files(v)) {
            if (!f.path().startsWith(prefix)) {
                continue;
            }
            if (total >= offset && page.size() < limit) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", f.path());
                m.put("size", f.size());
                m.put("hash", f.hash());
                page.add(m);
            }
            total++;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("files", page);
        out.put("total", total);
        return out;
    }

    static String owner(Principal p) {
        return p.user() == null ? "" : p.user();
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body == null ? null : body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw KeelException.invalid("field '" + field + "' must be a string");
        }
        return n.asText();
    }

    /** {@code name:v3}, {@code name:latest}, {@code name:TAG} or {@code name@prefix} from a path or query ref. */
    static String ref(String name, String ref) {
        DatasetNames.checkName(name);
        if (ref.startsWith("@")) {
            return name + ref;
        }
        if (ref.startsWith("sha256:")) {
            return name + "@" + ref.substring(7);
        }
        return name + ":" + ref;
    }

    private static DatasetVersion resolve(ServerContext ctx, Request request) {
        return host(ctx).resolve(ref(request.param("name"), request.param("ref")));
    }

    private static Dataset dataset(DatasetStore store, String name) {
        return store.dataset(DatasetNames.checkName(name))
                .orElseThrow(() -> KeelException.notFound("dataset " + name + " does not exist"));
    }

    static DatasetStore store(ServerContext ctx) {
        if (ctx.datasets() == null) {
            throw new KeelException(
                    KeelException.ErrorCode.TEMPORARILY_UNAVAILABLE, "this server was started without a dataset store");
        }
        return ctx.datasets();
    }

    private static DatasetHost host(ServerContext ctx) {
        return DatasetBlobsApi.service(ctx);
    }
}
