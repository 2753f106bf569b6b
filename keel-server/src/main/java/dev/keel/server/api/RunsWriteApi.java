package dev.keel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.ProjectInfo;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.blob.BlobStore;
import dev.keel.core.blob.CorruptBlobException;
import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.VerifyingInputStream;
import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.core.store.wire.BatchBinary;
import dev.keel.core.store.wire.BatchJson;
import dev.keel.core.store.wire.RunJson;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Route;
import dev.keel.server.http.Router;
import dev.keel.server.http.RunSearchParams;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The native write API the SDK's remote store uses: create a run, apply write batches (the
 * per-run sequence number is the event-log offset, so a retried batch is applied once), ask
 * how far the server is, delete a run, and move run-file contents both ways as streams.
 */
public final class RunsWriteApi implements ApiModule {

    @Override
    public void register(Router router, ServerContext ctx) {
        Store store = ctx.store();
        router.add(
                new Route(
                        "POST",
                        "/api/v1/projects/{project}/runs",
                        Access.projectWrite("project"),
                        request -> create(ctx, request),
                        false,
                        "Create a run: the run's JSON (as GET /api/v1/runs/{id} answers it) plus 'provenance'; 409 when the id exists;"
                                + " on a team server the run's user is the caller (the claimed user and host go to provenance 'client')"));
        router.post(
                "/api/v1/runs/{id}/batches",
                Access.runWrite("id"),
                "Apply one write batch (metrics, summary, config, console, files, state…) with its log_offset, as JSON or "
                        + "as " + BatchBinary.MEDIA_TYPE + " (see BatchBinary); "
                        + "a batch at or below the stored offset is skipped; answers the stored offset",
                request -> {
                    String id = request.param("id");
                    // the SDK sends the compact binary body; JSON stays for everyone else
                    WriteBatch batch = BatchBinary.isMediaType(
                                    request.header("Content-Type").orElse(null))
                            ? BatchBinary.decode(request.body())
                            : BatchJson.decode(request.body());
                    if (!batch.files.isEmpty()) {
                        BlobScope.checkFiles(ctx, request.principal(), id, project(ctx, id), batch.files);
                    }
                    store.apply(id, batch);
                    return offset(store.logOffset(id));
                });
        router.get(
                "/api/v1/runs",
                Access.authenticated(),
                "Search runs of every project the caller may read (or of one: project): filter, sort ([-]field), limit, offset",
                request -> searchAll(ctx, request));
        router.get(
                "/api/v1/runs/{id}/log-offset",
                Access.runRead("id"),
                "The event-log offset the server has applied for the run (where an upload resumes)",
                request -> offset(store.logOffset(request.param("id"))));
        router.get(
                "/api/v1/projects/{project}/next-ordinal",
                Access.projectRead("project"),
                "1 + the runs the project ever had (names the next run)",
                request -> Map.of("ordinal", store.nextRunOrdinal(request.param("project"))));
        router.delete(
                "/api/v1/runs/{id}",
                Access.runWrite("id"),
                "Delete a run (its blobs stay until a blob gc)",
                request -> {
                    store.deleteRun(request.param("id"));
                    return null;
                });
        router.add(new Route(
                "HEAD",
                "/api/v1/runs/{id}/blobs/{hash}",
                Access.runWrite("id"),
                request -> {
                    String hash = hash(request);
                    // content held only where the caller may not write answers exactly as absent content
                    if (!ctx.blobs().has(hash)
                            || !BlobScope.usable(ctx, request.principal(), project(ctx, request.param("id")), hash)) {
                        throw KeelException.notFound("the server does not have this content for this run yet: PUT it");
                    }
                    return Map.of("present", true);
                },
                false,
                "200 when the run's project (or another the caller may write) holds the content, 404 when it should be"
                        + " uploaded"));
        router.add(
                new Route(
                        "PUT",
                        "/api/v1/runs/{id}/blobs/{hash}",
                        Access.runWrite("id"),
                        request -> putBlob(ctx, request),
                        true,
                        "Upload a run file's content (streamed; verified against the hash); afterwards the run's project holds it"));
        router.get(
                "/api/v1/runs/{id}/files/{name*}",
                Access.runRead("id"),
                "Download a run file's content (streamed)",
                request -> download(ctx, request));
    }

    private static Object create(ServerContext ctx, Request request) {
        String project = request.param("project");
        JsonNode body = request.json();
        Map<String, Object> provenance = new LinkedHashMap<>(RunJson.provenance(body));
        RunInfo run = RunIdentity.decide(ctx, request.principal(), RunJson.read(body, project), provenance);
        boolean newProject =
                ctx.store().projects().stream().noneMatch(p -> p.name().equals(project));
        if (ctx.store().run(run.id()).isPresent()) {
            throw new KeelException(
                    ErrorCode.RESOURCE_ALREADY_EXISTS,
                    "run " + run.id()
                            + " exists already: a retried create after a lost answer can go on with its batches");
        }
        try {
            ctx.store().createRun(run, provenance);
        } catch (KeelException e) {
            if (ctx.store().run(run.id()).isPresent()) {
                throw new KeelException(ErrorCode.RESOURCE_ALREADY_EXISTS, "run " + run.id() + " exists already");
            }
            throw e;
        }
        if (newProject) {
            ctx.authorizer().created(request.principal(), Resource.project(project));
        }
        return Response.json(201, RunJson.toMap(ctx.store().run(run.id()).orElse(run)));
    }

    /** As the per-project search, over the projects the caller may read. */
    private static Object searchAll(ServerContext ctx, Request request) {
        Optional<String> project = request.query("project");
        if (project.isPresent()) {
            // the same answer as GET /api/v1/projects/{project}/runs, unreadable projects included
            String name = project.get();
            if (!request.principal().admin()
                    && !ctx.authorizer().canRead(request.principal(), Resource.project(name))) {
                throw KeelException.notFound("project " + name + " does not exist (or you may not see it)");
            }
            return RunsReadApi.search(ctx, request, name);
        }
        Expr filter = RunSearchParams.filter(request);
        if (!request.principal().admin()) {
            List<Object> readable = new ArrayList<>();
            for (ProjectInfo p : ctx.store().projects()) {
                if (ctx.authorizer().canRead(request.principal(), Resource.project(p.name()))) {
                    readable.add(p.name());
                }
            }
            if (readable.isEmpty()) {
                return Map.of("runs", List.of(), "total", 0, "offset", 0, "limit", 0);
            }
            Expr mine = new Expr.In(Field.parse("project"), readable, false);
            filter = filter == null ? mine : new Expr.And(mine, filter);
        }
        return RunsReadApi.page(ctx, request, null, filter);
    }

    private static Map<String, Object> offset(long offset) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("log_offset", offset);
        return out;
    }

    private static String hash(Request request) {
        String hash = request.param("hash");
        try {
            Hashes.hex(hash);
        } catch (KeelException e) {
            throw KeelException.invalid("path parameter 'hash': " + e.getMessage());
        }
        return hash;
    }

    private static Object putBlob(ServerContext ctx, Request request) throws IOException {
        String expected = hash(request);
        String project = project(ctx, request.param("id"));
        BlobStore blobs = ctx.blobs();
        if (blobs.has(expected) && BlobScope.usable(ctx, request.principal(), project, expected)) {
            drain(request.bodyStream());
            return Map.of("hash", expected, "stored", false);
        }
        // Verified while streaming: content that does not match its address is never stored, and
        // only bytes that match let the project use the server's copy (a hash alone grants nothing).
        try (InputStream in = new VerifyingInputStream(request.bodyStream(), expected)) {
            if (blobs.has(expected)) {
                in.transferTo(OutputStream.nullOutputStream());
            } else {
                blobs.put(in);
            }
        } catch (CorruptBlobException e) {
            throw KeelException.invalid("the uploaded content does not hash to " + expected
                    + " as the path says (" + e.getMessage() + "): the upload was damaged or names the wrong hash;"
                    + " send it again");
        }
        ctx.store().holdBlobs(project, List.of(expected));
        // the same answer whether or not the server had a copy from elsewhere
        return Response.json(201, Map.of("hash", expected, "stored", true));
    }

    private static String project(ServerContext ctx, String runId) {
        return ctx.store()
                .run(runId)
                .map(RunInfo::project)
                .orElseThrow(() -> KeelException.notFound("run " + runId + " does not exist"));
    }

    private static void drain(InputStream in) throws IOException {
        try (in) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static Object download(ServerContext ctx, Request request) throws IOException {
        String id = request.param("id");
        String name = request.param("name");
        RunFile file = ctx.store().files(id).stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElseThrow(() -> KeelException.notFound(
                        "run " + id + " has no file '" + name + "'; GET /api/v1/runs/" + id + "/files lists them"));
        if (!ctx.blobs().has(file.hash())) {
            throw KeelException.notFound("the content of '" + name + "' (" + file.hash() + ") was never uploaded:"
                    + " run 'keel sync " + id + "' on the machine that logged the run");
        }
        long size = ctx.blobs().size(file.hash());
        return Response.stream(200, "application/octet-stream", size, out -> {
                    try (InputStream in = ctx.blobs().open(file.hash())) {
                        in.transferTo(out);
                    }
                })
                .header("X-Keel-Hash", file.hash());
    }
}
