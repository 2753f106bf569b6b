package dev.keel.internal.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.ConsoleLine;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.MetricSeries;
import dev.keel.core.ProjectInfo;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.filter.FilterText;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.core.store.wire.BatchBinary;
import dev.keel.core.store.wire.RunJson;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The {@link Store} of a Keel server, over its native API ({@code /api/v1}). Chosen by
 * {@code Stores.open("http://…")}; sends {@code Authorization: Bearer <key>} when a key is known
 * ({@link Credentials}). Server errors come back as {@link KeelException}s with the server's
 * error code and message; an unreachable server is {@code TEMPORARILY_UNAVAILABLE}.
 *
 * <p>Besides the Store methods it moves run-file contents ({@link #hasBlob}, {@link #putBlob},
 * {@link #download}). Safe for use by many threads.
 */
public final class RemoteStore implements Store {
    static final int PAGE = 10_000;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String base;
    private final String apiKey;
    private final HttpClient http;

    public RemoteStore(String url, String apiKey) {
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        try {
            URI parsed = URI.create(u);
            if (parsed.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
        } catch (IllegalArgumentException e) {
            throw KeelException.invalid("'" + url + "' is not a server URL (" + e.getMessage()
                    + "): use http://HOST:PORT, e.g. KEEL_URL=http://127.0.0.1:7080");
        }
        this.base = u;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** The server's base URL, without a trailing slash. */
    public String url() {
        return base;
    }

    @Override
    public void createRun(RunInfo run, Map<String, Object> provenance) {
        call("POST", "/api/v1/projects/" + seg(run.project()) + "/runs",
                Json.write(RunJson.createBody(run, provenance)).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void apply(String runId, WriteBatch batch) {
        // binary: encoding and parsing JSON numbers would be most of an upload's CPU time
        postBlocking("/api/v1/runs/" + seg(runId) + "/batches", BatchBinary.encode(batch), BatchBinary.MEDIA_TYPE);
    }

    /**
     * A POST done on the calling thread with a plain blocking socket (HttpURLConnection, kept
     * alive and reused), for the sender's stream of batches: java.net.http hands every request
     * through its selector and worker threads and back, and on a busy machine each hand-off waits
     * for a core, several times what the server itself spends on a batch.
     */
    private void postBlocking(String path, byte[] body, String contentType) {
        java.net.HttpURLConnection c = null;
        try {
            c = (java.net.HttpURLConnection) URI.create(base + path).toURL().openConnection();
            c.setRequestMethod("POST");
            c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            c.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(body.length);
            c.setRequestProperty("Content-Type", contentType);
            c.setRequestProperty("Accept", "application/json");
            if (apiKey != null) {
                c.setRequestProperty("Authorization", "Bearer " + apiKey);
            }
            try (java.io.OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            // read to the end (and close) so that the connection goes back to the keep-alive pool
            String text = in == null ? "" : new String(readAll(in), StandardCharsets.UTF_8);
            if (status >= 400) {
                throw error(status, text);
            }
        } catch (IOException e) {
            if (c != null) {
                c.disconnect();
            }
            throw unreachable(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
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
        call("DELETE", "/api/v1/runs/" + seg(runId), null);
    }

    @Override
    public Map<String, Object> provenance(String runId) {
        return Json.MAPPER.convertValue(get("/api/v1/runs/" + seg(runId) + "/provenance"), LinkedHashMap.class);
    }

    @Override
    public long logOffset(String runId) {
        return orEmpty(() -> get("/api/v1/runs/" + seg(runId) + "/log-offset").path("log_offset").asLong())
                .orElse(0L);
    }

    /** The server's offset for the run, empty when the server has no such run. */
    public java.util.OptionalLong logOffsetIfExists(String runId) {
        Optional<Long> o = orEmpty(() -> get("/api/v1/runs/" + seg(runId) + "/log-offset").path("log_offset").asLong());
        return o.isPresent() ? java.util.OptionalLong.of(o.get()) : java.util.OptionalLong.empty();
    }

    @Override
    public long nextRunOrdinal(String project) {
        return get("/api/v1/projects/" + seg(project) + "/next-ordinal").path("ordinal").asLong();
    }

    /** As {@link #nextRunOrdinal} but giving up after {@code timeout}: run names must not hold up a run's start. */
    public long nextRunOrdinal(String project, Duration timeout) {
        return send(request("GET", "/api/v1/projects/" + seg(project) + "/next-ordinal").GET().timeout(timeout).build())
                .path("ordinal").asLong();
    }

    @Override
    public List<ProjectInfo> projects() {
        List<ProjectInfo> out = new ArrayList<>();
        for (JsonNode p : get("/api/v1/projects").path("projects")) {
            out.add(new ProjectInfo(p.path("name").asText(), p.path("run_count").asLong(), p.path("created_at").asLong(),
                    p.path("last_activity_at").asLong()));
        }
        return out;
    }

    @Override
    public List<String> metricKeys(String runId) {
        List<String> out = new ArrayList<>();
        get("/api/v1/runs/" + seg(runId) + "/metrics").path("keys").forEach(k -> out.add(k.asText()));
        return out;
    }

    @Override
    public MetricSeries history(String runId, String key) {
        JsonNode s = get("/api/v1/runs/" + seg(runId) + "/metrics/" + seg(key));
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
            JsonNode lines = get("/api/v1/runs/" + seg(runId) + "/console?from=" + from + "&limit=" + page).path("lines");
            for (JsonNode l : lines) {
                out.add(new ConsoleLine(l.path("seq").asLong(), l.path("timestamp").asLong(), l.path("stream").asText(),
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
        for (JsonNode f : get("/api/v1/runs/" + seg(runId) + "/files").path("files")) {
            out.add(new RunFile(f.path("name").asText(), f.path("hash").asText(), f.path("size").asLong(),
                    f.path("kind").asText(), f.path("created_at").asLong()));
        }
        return out;
    }

    /** Whether the server has the content {@code hash} (so an upload can be skipped). */
    public boolean hasBlob(String runId, String hash) {
        return orEmpty(() -> call("HEAD", blobPath(runId, hash), null)).isPresent();
    }

    /** Uploads a run file's content, streamed; the server verifies it against {@code hash}. */
    public void putBlob(String runId, String hash, Path file) {
        try {
            send(request("PUT", blobPath(runId, hash)).PUT(HttpRequest.BodyPublishers.ofFile(file))
                    .header("Content-Type", "application/octet-stream").timeout(Duration.ofHours(1)).build());
        } catch (java.io.FileNotFoundException e) {
            throw KeelException.notFound("cannot upload " + file + ": it does not exist");
        }
    }

    /** Uploads content {@code hash} from a blob store (a local folder's blobs are read in place). */
    public void putBlobFrom(String runId, String hash, dev.keel.core.blob.BlobStore blobs) {
        if (blobs instanceof dev.keel.core.blob.LocalBlobStore local) {
            Path file = local.path(hash);
            if (file != null && Files.isRegularFile(file)) {
                putBlob(runId, hash, file);
                return;
            }
        }
        try (InputStream in = blobs.open(hash)) {
            send(request("PUT", blobPath(runId, hash)).PUT(HttpRequest.BodyPublishers.ofInputStream(() -> in))
                    .header("Content-Type", "application/octet-stream").timeout(Duration.ofHours(1)).build());
        } catch (IOException e) {
            throw new KeelException(ErrorCode.STORAGE_FAILURE, "cannot read local content " + hash + " to upload (" + e + ")");
        }
    }

    /** Downloads run file {@code name} into {@code target} (written to a temporary file first). */
    public void download(String runId, String name, Path target) {
        HttpRequest r = request("GET", "/api/v1/runs/" + seg(runId) + "/files/" + seg(name)).GET()
                .timeout(Duration.ofHours(1)).build();
        try {
            HttpResponse<InputStream> resp = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
            if (resp.statusCode() >= 400) {
                try (InputStream in = resp.body()) {
                    throw error(resp.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".keel-", ".part");
            try (InputStream in = resp.body()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while downloading " + name);
        }
    }

    @Override
    public void close() {
        // HttpClient (Java 17) has nothing to close; its threads are daemons.
    }

    @Override
    public String toString() {
        return "RemoteStore[" + base + "]";
    }

    private static String blobPath(String runId, String hash) {
        return "/api/v1/runs/" + seg(runId) + "/blobs/" + seg(hash);
    }

    private JsonNode get(String path) {
        return call("GET", path, null);
    }

    private JsonNode call(String method, String path, byte[] body) {
        return call(method, path, body, "application/json");
    }

    private JsonNode call(String method, String path, byte[] body, String contentType) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder b = request(method, path).method(method, publisher);
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    private HttpRequest.Builder request(String method, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    private JsonNode send(HttpRequest r) {
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while talking to " + base);
        }
        String text = new String(resp.body(), StandardCharsets.UTF_8);
        if (resp.statusCode() >= 400) {
            throw error(resp.statusCode(), text);
        }
        if (text.isEmpty()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new KeelException(ErrorCode.CORRUPT_DATA, "the server at " + base + " sent something that is not JSON"
                    + " for " + r.method() + " " + r.uri().getPath() + ": is KEEL_URL a Keel server?");
        }
    }

    private KeelException unreachable(IOException e) {
        return new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot reach the Keel server at " + base + " ("
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                + "): check that it runs and that KEEL_URL is right", e);
    }

    private KeelException error(int status, String body) {
        ErrorCode code = null;
        String message = null;
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            message = n.path("message").asText(null);
            code = ErrorCode.valueOf(n.path("error_code").asText());
        } catch (IOException | RuntimeException ignored) {
            // not Keel's error shape: fall back to the status
        }
        if (code == null) {
            code = byStatus(status);
        }
        return new KeelException(code, message != null ? message : "the server at " + base + " answered HTTP " + status);
    }

    private static ErrorCode byStatus(int status) {
        for (ErrorCode c : ErrorCode.values()) {
            if (c.httpStatus() == status) {
                return c;
            }
        }
        return status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST;
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
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String query(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
