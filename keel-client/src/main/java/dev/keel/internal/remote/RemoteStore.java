package dev.keel.internal.remote;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.ConsoleLine;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.MetricSeries;
import dev.keel.core.ProjectInfo;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.blob.BlobStore;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.filter.FilterText;
import dev.keel.core.flow.ProjectFlow;
import dev.keel.core.http.KeelHttp;
import dev.keel.core.model.ModelStore;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.core.store.wire.BatchBinary;
import dev.keel.core.store.wire.RunJson;
import dev.keel.core.sweep.SweepStore;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.StringJoiner;

/**
 * The {@link Store} of a Keel server, over its native API ({@code /api/v1}). Chosen by
 * {@code Stores.open("http://…")}; sends {@code Authorization: Bearer <key>} when a key is known
 * ({@link Credentials}). Talks through {@link KeelHttp}: server errors come back as
 * {@link KeelException}s with the server's error code and message, an answer from something that
 * is not Keel (a proxy's 502) says so, and an unreachable server is {@code TEMPORARILY_UNAVAILABLE}.
 *
 * <p>Besides the Store methods it moves run-file contents ({@link #hasBlob}, {@link #putBlob},
 * {@link #download}). Safe for use by many threads.
 */
public final class RemoteStore implements Store {
    private static final TypeReference<LinkedHashMap<String, Object>> PROVENANCE = new TypeReference<>() {};
    static final int PAGE = 10_000;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofHours(1);

    private final KeelHttp http;
    private final RemoteSweepStore sweeps;
    private final RemoteModelStore models;

    public RemoteStore(String url, String apiKey) {
        this.http = KeelHttp.connect(url, apiKey, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
        this.sweeps = new RemoteSweepStore(http);
        this.models = new RemoteModelStore(http);
    }

    @Override
    public ModelStore models() {
        return models;
    }

    @Override
    public SweepStore sweeps() {
        return sweeps;
    }

    /** The server's base URL, without a trailing slash. */
    public String url() {
        return http.url();
    }

    @Override
    public void saveFlow(ProjectFlow flow) {
        http.callJson("PUT", "/api/v1/projects/" + seg(flow.project()) + "/flow", flow.toMap());
    }

    @Override
    public Optional<ProjectFlow> flow(String project) {
        return orEmpty(() -> ProjectFlow.fromMap(
                Json.MAPPER.convertValue(get("/api/v1/projects/" + seg(project) + "/flow"), PROVENANCE), project));
    }

    @Override
    public void createRun(RunInfo run, Map<String, Object> provenance) {
        http.callJson("POST", "/api/v1/projects/" + seg(run.project()) + "/runs", RunJson.createBody(run, provenance));
    }

    @Override
    public void apply(String runId, WriteBatch batch) {
        // binary: encoding and parsing JSON numbers would be most of an upload's CPU time; on the
        // calling thread, as the sender sends batch after batch
        http.postBlocking("/api/v1/runs/" + seg(runId) + "/batches", BatchBinary.encode(batch), BatchBinary.MEDIA_TYPE);
    }

    @Override
    public Optional<RunInfo> run(String runId) {
        return orEmpty(() -> RunJson.fromServer(get("/api/v1/runs/" + seg(runId))));
    }

    @Override
    public List<RunInfo> searchRuns(RunQuery q) {
        List<RunInfo> out = new ArrayList<>();
        int want = q.limit() > 0 ? q.limit() : Integer.MAX_VALUE;
        int offset = Math.max(0, q.offset());
        while (out.size() < want) {
            int page = Math.min(PAGE, want - out.size());
            JsonNode reply = get(searchPath(q, page, offset));
            JsonNode runs = reply.path("runs");
            for (JsonNode r : runs) {
                out.add(RunJson.fromServer(r));
            }
            if (runs.size() < page) {
                break;
            }
            offset += runs.size();
        }
        return out;
    }

    @Override
    public long countRuns(RunQuery q) {
        return get(searchPath(q, 1, 0)).path("total").asLong();
    }

    private static String searchPath(RunQuery q, int limit, int offset) {
        StringJoiner params = new StringJoiner("&", "?", "");
        if (q.filter() != null) {
            params.add("filter=" + query(FilterText.of(q.filter())));
        }
        if (q.sort() != null) {
            params.add("sort=" + query((q.descending() ? "-" : "") + q.sort()));
        }
        params.add("limit=" + limit).add("offset=" + offset);
        String path = q.project() == null ? "/api/v1/runs" : "/api/v1/projects/" + seg(q.project()) + "/runs";
        return path + params;
    }

    @Override
    public void deleteRun(String runId) {
        http.call("DELETE", "/api/v1/runs/" + seg(runId), null, null);
    }

    @Override
    public Map<String, Object> provenance(String runId) {
        // an unknown run has none, as in every store
        return orEmpty(() -> Json.MAPPER.convertValue(get("/api/v1/runs/" + seg(runId) + "/provenance"), PROVENANCE))
                .orElseGet(LinkedHashMap::new);
    }

    @Override
    public long logOffset(String runId) {
        return orEmpty(() -> get("/api/v1/runs/" + seg(runId) + "/log-offset")
                        .path("log_offset")
                        .asLong())
                .orElse(0L);
    }

    /** The server's offset for the run, empty when the server has no such run. */
    public OptionalLong logOffsetIfExists(String runId) {
        Optional<Long> o = orEmpty(() -> get("/api/v1/runs/" + seg(runId) + "/log-offset")
                .path("log_offset")
                .asLong());
        return o.isPresent() ? OptionalLong.of(o.get()) : OptionalLong.empty();
    }

    @Override
    public long nextRunOrdinal(String project) {
        return get("/api/v1/projects/" + seg(project) + "/next-ordinal")
                .path("ordinal")
                .asLong();
    }

    /** As {@link #nextRunOrdinal} but giving up after {@code timeout}: run names must not hold up a run's start. */
    public long nextRunOrdinal(String project, Duration timeout) {
        return http.json(http.request("/api/v1/projects/" + seg(project) + "/next-ordinal")
                        .GET()
                        .timeout(timeout))
                .path("ordinal")
                .asLong();
    }

    @Override
    public List<ProjectInfo> projects() {
        List<ProjectInfo> out = new ArrayList<>();
        for (JsonNode p : get("/api/v1/projects").path("projects")) {
            out.add(new ProjectInfo(
                    p.path("name").asText(),
                    p.path("run_count").asLong(),
                    p.path("created_at").asLong(),
                    p.path("last_activity_at").asLong()));
        }
        return out;
    }

    @Override
    public List<String> metricKeys(String runId) {
        List<String> out = new ArrayList<>();
        orEmpty(() -> get("/api/v1/runs/" + seg(runId) + "/metrics"))
                .ifPresent(reply -> reply.path("keys").forEach(k -> out.add(k.asText())));
        return out;
    }

    @Override
    public MetricSeries history(String runId, String key) {
        JsonNode s = orEmpty(() -> get("/api/v1/runs/" + seg(runId) + "/metrics/" + seg(key)))
                .orElseGet(Json.MAPPER::createObjectNode);
        JsonNode steps = s.path("steps");
        JsonNode values = s.path("values");
        JsonNode times = s.path("timestamps");
        int n = steps.size();
        long[] st = new long[n];
        double[] va = new double[n];
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            st[i] = steps.get(i).asLong();
            ts[i] = times.get(i).asLong();
            JsonNode v = values.get(i);
            va[i] = v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText());
        }
        return new MetricSeries(key, st, va, ts);
    }

    @Override
    public List<ConsoleLine> console(String runId, long fromSeq, int limit) {
        List<ConsoleLine> out = new ArrayList<>();
        int want = limit > 0 ? limit : Integer.MAX_VALUE;
        long from = fromSeq;
        while (out.size() < want) {
            int page = Math.min(PAGE, want - out.size());
            String path = "/api/v1/runs/" + seg(runId) + "/console?from=" + from + "&limit=" + page;
            JsonNode lines = orEmpty(() -> get(path))
                    .orElseGet(Json.MAPPER::createObjectNode)
                    .path("lines");
            for (JsonNode l : lines) {
                out.add(new ConsoleLine(
                        l.path("seq").asLong(),
                        l.path("timestamp").asLong(),
                        l.path("stream").asText(),
                        l.path("text").asText()));
            }
            if (lines.size() < page) {
                break;
            }
            from = out.get(out.size() - 1).seq() + 1;
        }
        return out;
    }

    @Override
    public List<RunFile> files(String runId) {
        List<RunFile> out = new ArrayList<>();
        JsonNode reply =
                orEmpty(() -> get("/api/v1/runs/" + seg(runId) + "/files")).orElseGet(Json.MAPPER::createObjectNode);
        for (JsonNode f : reply.path("files")) {
            out.add(new RunFile(
                    f.path("name").asText(),
                    f.path("hash").asText(),
                    f.path("size").asLong(),
                    f.path("kind").asText(),
                    f.path("created_at").asLong()));
        }
        return out;
    }

    /** Whether the server has the content {@code hash} (so an upload can be skipped). */
    public boolean hasBlob(String runId, String hash) {
        return orEmpty(() -> http.json(
                        http.request(blobPath(runId, hash)).method("HEAD", HttpRequest.BodyPublishers.noBody())))
                .isPresent();
    }

    /** Uploads a run file's content, streamed; the server verifies it against {@code hash}. */
    public void putBlob(String runId, String hash, Path file) {
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.ofFile(file);
        } catch (FileNotFoundException e) {
            throw KeelException.notFound("cannot upload " + file + ": it does not exist");
        }
        putBlob(runId, hash, body);
    }

    /** Uploads content {@code hash} from a blob store (a local folder's blobs are read in place). */
    public void putBlobFrom(String runId, String hash, BlobStore blobs) {
        if (blobs instanceof LocalBlobStore local) {
            Path file = local.path(hash);
            if (file != null && Files.isRegularFile(file)) {
                putBlob(runId, hash, file);
                return;
            }
        }
        try (InputStream in = blobs.open(hash)) {
            putBlob(runId, hash, HttpRequest.BodyPublishers.ofInputStream(() -> in));
        } catch (IOException e) {
            throw new KeelException(
                    ErrorCode.STORAGE_FAILURE, "cannot read local content " + hash + " to upload (" + e + ")");
        }
    }

    private void putBlob(String runId, String hash, HttpRequest.BodyPublisher body) {
        http.json(http.request(blobPath(runId, hash))
                .PUT(body)
                .header("Content-Type", "application/octet-stream")
                .timeout(TRANSFER_TIMEOUT));
    }

    /** Downloads run file {@code name} into {@code target} (written to a temporary file first). */
    public void download(String runId, String name, Path target) {
        HttpRequest.Builder r = http.request("/api/v1/runs/" + seg(runId) + "/files/" + seg(name))
                .GET()
                .timeout(TRANSFER_TIMEOUT);
        try (InputStream in = http.stream(r)) {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".keel-", ".part");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw http.unreachable(e);
        }
    }

    @Override
    public void close() {
        // HttpClient (Java 17) has nothing to close; its threads are daemons.
    }

    @Override
    public String toString() {
        return "RemoteStore[" + http.url() + "]";
    }

    private static String blobPath(String runId, String hash) {
        return "/api/v1/runs/" + seg(runId) + "/blobs/" + seg(hash);
    }

    private JsonNode get(String path) {
        return http.get(path);
    }

    private interface Call<T> {
        T get();
    }

    /** The call's result, or empty when the server says the object does not exist. */
    private static <T> Optional<T> orEmpty(Call<T> call) {
        try {
            return Optional.of(call.get());
        } catch (KeelException e) {
            if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** One path segment, percent-encoded (a space as %20, a slash as %2F). */
    static String seg(String s) {
        return KeelHttp.segment(s);
    }

    private static String query(String s) {
        return KeelHttp.queryValue(s);
    }
}
