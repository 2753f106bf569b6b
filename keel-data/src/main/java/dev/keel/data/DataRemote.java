package dev.keel.data;

import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.Visibility;
import dev.keel.data.internal.RemoteCalls;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Keel server's dataset API, as {@link Datasets#push} and {@link Datasets#pull} use it.
 *
 * <pre>{@code
 * DataRemote server = DataRemote.connect("http://keel.example:7080", System.getenv("KEEL_API_KEY"));
 * try (Datasets data = Datasets.open(KeelHome.resolve())) {
 *     System.out.println(data.push("fashion-mnist:latest", server).summary("sent"));
 * }
 * }</pre>
 * Errors are {@link KeelException}s carrying the server's error code and message. Safe for use
 * by many threads (one HTTP client, HTTP/1.1 connections reused).
 */
public final class DataRemote {
    private final String base;
    private final String apiKey;
    private final HttpClient http;
    private final Calls calls = new Calls();

    private DataRemote(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** {@code url}: the server's base URL ({@code http://host:port}); {@code apiKey} may be null (no key). */
    public static DataRemote connect(String url, String apiKey) {
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw KeelException.invalid("'" + url + "' is not a server URL: give http://HOST:PORT (or set KEEL_URL)");
        }
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return new DataRemote(trimmed, apiKey == null || apiKey.isBlank() ? null : apiKey.strip());
    }

    public String url() {
        return base;
    }

    RemoteCalls calls() {
        return calls;
    }

    private final class Calls implements RemoteCalls {
        @Override
        public Optional<Dataset> dataset(String name) throws IOException {
            HttpResponse<InputStream> r = send(request(path(name)).GET());
            if (r.statusCode() == 404) {
                r.body().close();
                return Optional.empty();
            }
            return Optional.of(datasetOf(json(r)));
        }

        @Override
        public Dataset saveDataset(String name, String description, Visibility visibility) throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("description", description);
            body.put("visibility", visibility == null ? null : visibility.id());
            return datasetOf(json(send(request(path(name)).PUT(jsonBody(body)).header("Content-Type", "application/json"))));
        }

        @Override
        public DatasetVersion version(String dataset, String ref) throws IOException {
            return versionOf(dataset, json(send(request(path(dataset) + "/versions/" + enc(ref)).GET())));
        }

        @Override
        public byte[] manifest(String dataset, String ref) throws IOException {
            HttpResponse<InputStream> r = send(request(path(dataset) + "/versions/" + enc(ref) + "/manifest").GET());
            check(r);
            try (InputStream in = r.body()) {
                return in.readAllBytes();
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public Missing missing(String dataset, List<String> addresses) throws IOException {
            Map<String, Object> out = json(send(request(path(dataset) + "/blobs/missing")
                    .POST(jsonBody(Map.of("hashes", addresses))).header("Content-Type", "application/json")));
            return new Missing((List<String>) out.get("missing"), Boolean.TRUE.equals(out.get("wants_pack_hash")));
        }

        /** Through HttpURLConnection: a plain blocking copy with a large buffer is cheaper for bulk bytes. */
        @Override
        public void upload(String dataset, long length, String packHash, Supplier<InputStream> body) throws IOException {
            java.net.HttpURLConnection c = connection(path(dataset) + "/blobs");
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(length);
            c.setRequestProperty("Content-Type", "application/x-keel-pack");
            if (packHash != null) {
                c.setRequestProperty("X-Keel-Pack-Hash", packHash);
            }
            try (InputStream in = body.get(); java.io.OutputStream out = c.getOutputStream()) {
                byte[] buf = new byte[1 << 20];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                }
            } catch (ConnectException e) {
                throw unreachable();
            }
            checkStatus(c);
            try (InputStream in = c.getInputStream()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public DatasetStore.Committed commit(String dataset, byte[] manifest, String message, String author,
                                             long createdAt) throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("manifest", Base64.getEncoder().encodeToString(manifest));
            body.put("message", message);
            body.put("created_at", createdAt);
            Map<String, Object> out = json(send(request(path(dataset) + "/versions").POST(jsonBody(body))
                    .header("Content-Type", "application/json")));
            return new DatasetStore.Committed(versionOf(dataset, (Map<String, Object>) out.get("version")),
                    Boolean.TRUE.equals(out.get("created")));
        }

        @Override
        public InputStream objects(String dataset, List<String> addresses) throws IOException {
            java.net.HttpURLConnection c = connection(path(dataset) + "/blobs/fetch");
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            byte[] body = Json.write(Map.of("hashes", addresses)).getBytes(StandardCharsets.UTF_8);
            c.setFixedLengthStreamingMode(body.length);
            c.setRequestProperty("Content-Type", "application/json");
            try (java.io.OutputStream out = c.getOutputStream()) {
                out.write(body);
            } catch (ConnectException e) {
                throw unreachable();
            }
            checkStatus(c);
            return c.getInputStream();
        }
    }

    private java.net.HttpURLConnection connection(String path) throws IOException {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) URI.create(base + path).toURL().openConnection();
        c.setConnectTimeout(20_000);
        c.setReadTimeout(30 * 60_000);
        if (apiKey != null) {
            c.setRequestProperty("Authorization", "Bearer " + apiKey);
        }
        return c;
    }

    private KeelException unreachable() {
        return new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot reach the Keel server at " + base
                + ": is it running, and is KEEL_URL right?");
    }

    private static void checkStatus(java.net.HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        if (status < 300) {
            return;
        }
        String text;
        try (InputStream in = c.getErrorStream()) {
            text = in == null ? "" : new String(in.readNBytes(64 << 10), StandardCharsets.UTF_8);
        }
        throw error(status, c.getURL().toString(), text);
    }

    private static KeelException error(int status, String uri, String text) {
        ErrorCode code = ErrorCode.INTERNAL_ERROR;
        String message = "HTTP " + status + " from " + uri;
        try {
            Map<String, Object> err = Json.readMap(text);
            code = ErrorCode.valueOf(String.valueOf(err.get("error_code")));
            message = String.valueOf(err.get("message"));
        } catch (RuntimeException ignored) {
            // not Keel's JSON error: keep the status line
        }
        return new KeelException(code, "server: " + message);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(30));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    private static String path(String dataset) {
        return "/api/v1/datasets/" + enc(dataset);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static HttpRequest.BodyPublisher jsonBody(Object body) {
        return HttpRequest.BodyPublishers.ofString(Json.write(body));
    }

    private HttpResponse<InputStream> send(HttpRequest.Builder b) throws IOException {
        HttpRequest req = b.build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            throw unreachable();
        } catch (HttpTimeoutException e) {
            throw new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "the Keel server at " + base
                    + " did not answer in time; run the command again to resume");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while talking to " + base, e);
        }
    }

    private static void check(HttpResponse<InputStream> r) throws IOException {
        if (r.statusCode() < 300) {
            return;
        }
        String text;
        try (InputStream in = r.body()) {
            text = new String(in.readNBytes(64 << 10), StandardCharsets.UTF_8);
        }
        throw error(r.statusCode(), r.uri().toString(), text);
    }

    private static Map<String, Object> json(HttpResponse<InputStream> r) throws IOException {
        check(r);
        try (InputStream in = r.body()) {
            return Json.readMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static Dataset datasetOf(Map<String, Object> m) {
        return new Dataset((String) m.get("name"), (String) m.get("owner"), (String) m.get("description"),
                Visibility.parse((String) m.get("visibility")), ((Number) m.get("created_at")).longValue());
    }

    private static DatasetVersion versionOf(String dataset, Map<String, Object> m) {
        return new DatasetVersion(dataset, ((Number) m.get("number")).intValue(), (String) m.get("hash"),
                (String) m.get("message"), (String) m.get("author"), ((Number) m.get("created_at")).longValue(),
                ((Number) m.get("file_count")).longValue(), ((Number) m.get("total_bytes")).longValue(),
                ((Number) m.get("parent")).intValue());
    }
}
