package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Access.Need;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Route;
import dev.keel.server.http.Router;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.keel.server.mlflow.MlflowApi.wrap;

/**
 * MLflow's artifact proxy. A run's artifact URI is {@code mlflow-artifacts:/<exp>/<run>/artifacts},
 * which clients turn into {@code /api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/<path>}.
 * Artifacts are the run's files (kind {@code artifact}), their bytes content-addressed in the
 * blob store, so Keel's own run files (checkpoints…) list here too. Uploads stream.
 */
final class ArtifactRoutes {
    private static final String BASE = "/api/2.0/mlflow-artifacts/";

    private final ServerContext ctx;
    private final MlflowAccess access;
    private final Experiments experiments;
    private final LoggedModelRoutes loggedModels;
    private final RegistryRoutes registry;

    ArtifactRoutes(ServerContext ctx, MlflowAccess access, Experiments experiments) {
        this.ctx = ctx;
        this.access = access;
        this.experiments = experiments;
        this.loggedModels = new LoggedModelRoutes(ctx, access, experiments);
        this.registry = new RegistryRoutes(ctx, access, experiments);
    }

    /** A path below the artifact root: the run and the file path within its artifacts. */
    record Target(String runId, String path) {}

    void register(Router router) {
        // streamed: the bytes go to the blob store as they arrive, bounded by their own setting
        // (models and checkpoints are far larger than the JSON body limit allows)
        router.add(new Route(
                "PUT",
                BASE + "artifacts/{path*}",
                Access.inHandler("write access to the run in the path"),
                wrap(this::upload),
                true,
                "MLflow: upload an artifact (raw bytes, streamed; at most the server's max-artifact-bytes)"));
        router.get(
                BASE + "artifacts/{path*}",
                Access.inHandler("read access to the run in the path"),
                "MLflow: download an artifact",
                wrap(request -> {
                    Target t = target(request.param("path"));
                    RunInfo run = run(request, t.runId(), Need.READ);
                    RunFile file = ctx.store().files(run.id()).stream()
                            .filter(f -> f.name().equals(t.path()))
                            .findFirst()
                            .orElseThrow(
                                    () -> KeelException.notFound("No artifact '" + t.path() + "' in run " + run.id()));
                    String name = t.path().substring(t.path().lastIndexOf('/') + 1);
                    String type = URLConnection.guessContentTypeFromName(name);
                    if (!ctx.blobs().has(file.hash())) {
                        throw KeelException.notFound("The content of artifact '" + t.path() + "' was never uploaded");
                    }
                    // the length of the bytes served, not the size the client listed
                    long size = ctx.blobs().size(file.hash());
                    return Response.stream(200, type == null ? "application/octet-stream" : type, size, out -> {
                                try (InputStream in = ctx.blobs().open(file.hash())) {
                                    in.transferTo(out);
                                }
                            })
                            .header("Content-Disposition", "attachment; filename=\"" + name.replace("\"", "") + "\"");
                }));
        router.delete(
                BASE + "artifacts/{path*}",
                Access.inHandler("write access to the run in the path"),
                "MLflow: delete an artifact (or a folder of them)",
                wrap(request -> {
                    Target t = target(request.param("path"));
                    RunInfo run = run(request, t.runId(), Need.WRITE);
                    WriteBatch b = new WriteBatch();
                    for (RunFile f : ctx.store().files(run.id())) {
                        if (t.path().isEmpty()
                                || f.name().equals(t.path())
                                || f.name().startsWith(t.path() + "/")) {
                            b.removeFile(f.name());
                        }
                    }
                    ctx.store().apply(run.id(), b);
                    return Map.of();
                }));
        router.get(
                BASE + "artifacts",
                Access.inHandler("read access to the run in 'path'"),
                "MLflow: list artifacts under ?path=<exp>/<run>/artifacts[/dir] (basenames)",
                wrap(request -> {
                    String path = request.query("path").orElse("");
                    if (path.isEmpty()) {
                        return Map.of();
                    }
                    if (LoggedModelRoutes.owns(path)) {
                        return loggedModels.listProxy(request, path);
                    }
                    if (RegistryRoutes.owns(path)) {
                        return registry.listProxy(request, path);
                    }
                    Target t = target(path);
                    RunInfo run = run(request, t.runId(), Need.READ);
                    return Map.of("files", list(run, t.path(), false));
                }));
        for (String op : List.of("create", "complete", "abort")) {
            router.post(
                    BASE + "mpu/" + op + "/{path*}",
                    Access.inHandler("write access to the run in the path"),
                    "MLflow: multipart upload (not implemented; clients fall back to a single PUT)",
                    wrap(request -> {
                        run(request, target(request.param("path")).runId(), Need.WRITE);
                        return notImplemented();
                    }));
        }
        for (String p : MlflowApi.PREFIXES) {
            router.get(
                    p + "artifacts/list",
                    Access.inHandler("read access to the run"),
                    "MLflow: list a run's artifacts (paths relative to the artifact root)",
                    wrap(request -> {
                        Fields f = Fields.of(request);
                        String id = f.runId();
                        RunInfo run = run(request, id, Need.READ);
                        String sub = Limits.artifactPath(strip(f.string("path")));
                        Map<String, Object> out = new LinkedHashMap<>();
                        out.put("root_uri", MlflowViews.artifactUri(experiments.forProject(run.project()), id));
                        out.put("files", list(run, sub, true));
                        return out;
                    }));
        }
    }

    private Object upload(Request request) throws IOException {
        Target t = target(request.param("path"));
        RunInfo run = run(request, t.runId(), Need.WRITE);
        Runs.requireActive(run);
        if (t.path().isEmpty()) {
            throw KeelException.invalid("name the artifact's file after /artifacts/ in the path");
        }
        String hash;
        try (InputStream in = boundedBody(request, ctx.settings().maxArtifactBytes(), t.path())) {
            hash = ctx.blobs().put(in);
        }
        WriteBatch b = new WriteBatch();
        b.addFile(new RunFile(t.path(), hash, ctx.blobs().size(hash), "artifact", System.currentTimeMillis()));
        ctx.store().apply(run.id(), b);
        return Map.of();
    }

    /**
     * An upload's body, refused at once when its declared length is over {@code limit} and failing
     * once more than {@code limit} bytes were read (a chunked upload declares none).
     */
    static InputStream boundedBody(Request request, long limit, String path) throws IOException {
        String declared = request.header("Content-Length").orElse(null);
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw KeelException.invalid("Content-Length '" + declared + "' is not a number");
            }
            if (length > limit) {
                throw tooLarge(path, limit);
            }
        }
        return new Bounded(request.bodyStream(), limit, path);
    }

    private static KeelException tooLarge(String path, long limit) {
        return new KeelException(
                KeelException.ErrorCode.REQUEST_LIMIT_EXCEEDED,
                "artifact '" + path + "' is larger than this server's limit of " + limit + " bytes for one upload:"
                        + " its admin can raise max-artifact-bytes (KEEL_SERVER_MAX_ARTIFACT_BYTES)");
    }

    /** A body that fails once more than {@code limit} bytes were read (a chunked upload declares none). */
    private static final class Bounded extends FilterInputStream {
        private final long limit;
        private final String path;
        private long read;

        Bounded(InputStream in, long limit, String path) {
            super(in);
            this.limit = limit;
            this.path = path;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                // nothing is stored: the blob store drops its partial file when the stream fails
                throw tooLarge(path, limit);
            }
        }
    }

    static Response notImplemented() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", "NOT_IMPLEMENTED");
        // MLflow's HttpArtifactRepository falls back to a single PUT only on this exact message
        body.put(
                "message",
                "Multipart upload is not supported for the current artifact repository"
                        + " (this server takes single PUT uploads)");
        return Response.json(501, body);
    }

    private RunInfo run(Request request, String id, Need need) {
        return access.run(request.principal(), id, need);
    }

    /** Parses {@code <exp>/<run>/artifacts[/path]}; the path must stay inside the run. */
    static Target target(String full) {
        String[] parts = full.split("/", 4);
        if (parts.length < 3 || !parts[2].equals("artifacts") || parts[1].isEmpty()) {
            throw KeelException.invalid("Invalid artifact path '" + full + "': expected"
                    + " <experiment id>/<run id>/artifacts/<path>, as in the run's artifact_uri");
        }
        String path = parts.length == 4 ? strip(parts[3]) : "";
        return new Target(parts[1], Limits.artifactPath(path));
    }

    private static String strip(String p) {
        String s = p == null ? "" : p;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** The entries right below {@code dir}: files with their size, folders once each. */
    private List<Object> list(RunInfo run, String dir, boolean fullPaths) {
        String prefix = dir.isEmpty() ? "" : dir + "/";
        Map<String, Map<String, Object>> entries = new TreeMap<>();
        for (RunFile f : ctx.store().files(run.id())) {
            if (!f.name().startsWith(prefix)) {
                continue;
            }
            String rest = f.name().substring(prefix.length());
            int slash = rest.indexOf('/');
            String base = slash < 0 ? rest : rest.substring(0, slash);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", fullPaths ? prefix + base : base);
            e.put("is_dir", slash >= 0);
            if (slash < 0) {
                e.put("file_size", f.size());
            }
            entries.putIfAbsent(base, e);
        }
        return new ArrayList<>(entries.values());
    }
}
