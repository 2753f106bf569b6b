package dev.keel.server.ui;

import dev.keel.core.KeelException;
import dev.keel.core.RunFile;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;

import java.io.InputStream;

/**
 * Downloads of a run's files (checkpoints, the git diff) for the run page, streamed from the
 * blob store and verified on read by it. Only files the run lists can be fetched: a hash alone
 * grants nothing.
 */
final class RunFileDownload {
    static final String PATTERN = "/api/v1/runs/{id}/files/{name*}";

    void register(Router router, ServerContext ctx) {
        // The remote API may serve this route itself; the dashboard then uses that one.
        if (router.routes().stream()
                .anyMatch(r -> r.method().equals("GET") && r.pattern().equals(PATTERN))) {
            return;
        }
        router.get(PATTERN, Access.runRead("id"), "Download one of a run's files", request -> {
            String id = request.param("id");
            String name = request.param("name");
            RunFile file = ctx.store().files(id).stream()
                    .filter(f -> f.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> KeelException.notFound("run " + id + " has no file " + name));
            String base = name.substring(name.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
            String type = name.endsWith(".patch") || name.endsWith(".txt") || name.endsWith(".log")
                    ? "text/plain"
                    : "application/octet-stream";
            if (!ctx.blobs().has(file.hash())) {
                throw KeelException.notFound("the content of " + name + " was never uploaded");
            }
            // the length of the bytes served, not the size the client listed
            return Response.stream(200, type, ctx.blobs().size(file.hash()), out -> {
                        try (InputStream in = ctx.blobs().open(file.hash())) {
                            in.transferTo(out);
                        }
                    })
                    .header("Content-Disposition", "attachment; filename=\"" + base + "\"")
                    .header("Content-Security-Policy", "sandbox");
        });
    }
}
