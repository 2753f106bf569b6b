package dev.keel.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The one HTTP client for a Keel server's API, shared by the SDK's remote store, dataset push and
 * pull, and {@code keel login}: it sends {@code Authorization: Bearer <key>} when a key is given,
 * and every error comes back through {@link ServerErrors}, so a Keel error keeps its code and
 * message and an answer from anything else (a proxy, another web server) says so.
 *
 * <pre>{@code
 * KeelHttp server = KeelHttp.connect("http://keel.example:7080", apiKey);
 * JsonNode me = server.get("/api/v1/me");
 * }</pre>
 *
 * <p>An unreachable server is {@code TEMPORARILY_UNAVAILABLE}. Safe for use by many threads;
 * share one per server (HTTP/1.1 connections are reused).
 */
public final class KeelHttp {
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final int ERROR_BODY_LIMIT = 64 << 10;

    private final String base;
    private final String apiKey;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final HttpClient http;

    private KeelHttp(String base, String apiKey, Duration connectTimeout, Duration requestTimeout) {
        this.base = base;
        this.apiKey = apiKey;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
    }

    /** A client for the server at {@code url} ({@code http://host:port}); {@code apiKey} may be null. */
    public static KeelHttp connect(String url, String apiKey) {
        return connect(url, apiKey, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /** As {@link #connect(String, String)}, with the time to connect and the default time a request may take. */
    public static KeelHttp connect(String url, String apiKey, Duration connectTimeout, Duration requestTimeout) {
        String u = url == null ? "" : url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        String problem = null;
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
            problem = "not http:// or https://";
        } else {
            try {
                if (URI.create(u).getHost() == null) {
                    problem = "no host";
                }
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        if (problem != null) {
            throw KeelException.invalid("'" + url + "' is not a server URL (" + problem
                    + "): use http://HOST:PORT, e.g. KEEL_URL=http://127.0.0.1:7080");
        }
        return new KeelHttp(
                u, apiKey == null || apiKey.isBlank() ? null : apiKey.strip(), connectTimeout, requestTimeout);
    }

    /** The server's base URL, without a trailing slash. */
    public String url() {
        return base;
    }

    /** One path segment, percent-encoded (a space as %20, a slash as %2F). */
    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query parameter's value, percent-encoded. */
    public static String queryValue(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A request for {@code path} (from the server root) with the key, {@code Accept: application/json} and the default timeout. */
    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Accept", "application/json");
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    public JsonNode get(String path) {
        return json(request(path).GET());
    }

    /** Sends {@code body} (none when null) as {@code contentType}; the answer's JSON (an empty object for no body). */
    public JsonNode call(String method, String path, byte[] body, String contentType) {
        HttpRequest.BodyPublisher publisher =
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder b = request(path).method(method, publisher);
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        return json(b);
    }

    /** Sends {@code value} as JSON; the answer's JSON. */
    public JsonNode callJson(String method, String path, Object value) {
        return call(method, path, Json.write(value).getBytes(StandardCharsets.UTF_8), "application/json");
    }

    /** Sends the request; the answer's JSON (an empty object for no body). */
    public JsonNode json(HttpRequest.Builder request) {
        HttpResponse<byte[]> r = send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        check(r.statusCode(), r.headers().firstValue(ServerErrors.CODE_HEADER).orElse(null), r.body());
        if (r.body().length == 0) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(r.body());
            if (n != null && (n.isObject() || n.isArray())) {
                return n;
            }
        } catch (IOException e) {
            // not JSON: reported below
        }
        throw ServerErrors.notKeel(base, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    }

    /** Sends the request; the answer's bytes. */
    public byte[] bytes(HttpRequest.Builder request) {
        HttpResponse<byte[]> r = send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        check(r.statusCode(), r.headers().firstValue(ServerErrors.CODE_HEADER).orElse(null), r.body());
        return r.body();
    }

    /** Sends the request; the answer's body as a stream, for the caller to read and close. */
    public InputStream stream(HttpRequest.Builder request) {
        HttpResponse<InputStream> r = send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() >= 400) {
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readNBytes(ERROR_BODY_LIMIT);
            } catch (IOException e) {
                throw unreachable(e);
            }
            check(
                    r.statusCode(),
                    r.headers().firstValue(ServerErrors.CODE_HEADER).orElse(null),
                    body);
        }
        return r.body();
    }

    /** Writes a request body to the connection's stream. */
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A POST of {@code length} bytes on the calling thread over a plain blocking connection (kept
     * alive and reused), for bulk and back-to-back uploads: java.net.http hands every request
     * through its selector and worker threads, and on a busy machine each hand-off waits for a
     * core. Returns the answer's body for the caller to read to the end and close (that returns
     * the connection to the keep-alive pool).
     */
    public InputStream postStreaming(
            String path,
            String contentType,
            long length,
            Map<String, String> headers,
            Duration timeout,
            BodyWriter body) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
            c.setRequestMethod("POST");
            c.setConnectTimeout((int) connectTimeout.toMillis());
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(length);
            c.setRequestProperty("Content-Type", contentType);
            c.setRequestProperty("Accept", "application/json");
            if (apiKey != null) {
                c.setRequestProperty("Authorization", "Bearer " + apiKey);
            }
            headers.forEach(c::setRequestProperty);
            try (OutputStream out = c.getOutputStream()) {
                body.writeTo(out);
            }
            int status = c.getResponseCode();
            if (status >= 400) {
                byte[] error;
                try (InputStream in = c.getErrorStream()) {
                    error = in == null ? new byte[0] : in.readNBytes(ERROR_BODY_LIMIT);
                }
                check(status, c.getHeaderField(ServerErrors.CODE_HEADER), error);
            }
            return c.getInputStream();
        } catch (IOException e) {
            if (c != null) {
                c.disconnect();
            }
            throw e instanceof SocketTimeoutException ? timedOut() : unreachable(e);
        }
    }

    /** {@link #postStreaming} of a small body whose JSON answer is read whole. */
    public JsonNode postBlocking(String path, byte[] body, String contentType) {
        try (InputStream in =
                postStreaming(path, contentType, body.length, Map.of(), requestTimeout, out -> out.write(body))) {
            byte[] answer = in.readAllBytes();
            if (answer.length == 0) {
                return Json.MAPPER.createObjectNode();
            }
            try {
                return Json.MAPPER.readTree(answer);
            } catch (IOException e) {
                throw ServerErrors.notKeel(base, 200, new String(answer, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (HttpConnectTimeoutException e) {
            throw unreachable(e);
        } catch (HttpTimeoutException e) {
            throw timedOut();
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while talking to " + base);
        }
    }

    private void check(int status, String codeHeader, byte[] body) {
        if (status >= 400) {
            throw ServerErrors.decode(base, status, codeHeader, body);
        }
    }

    /** The error for a server that cannot be reached (refused, reset, unknown host). */
    public KeelException unreachable(IOException e) {
        return new KeelException(
                ErrorCode.TEMPORARILY_UNAVAILABLE,
                "cannot reach the Keel server at " + base + " ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        + "): check that it runs and that KEEL_URL is right",
                e);
    }

    private KeelException timedOut() {
        return new KeelException(
                ErrorCode.TEMPORARILY_UNAVAILABLE,
                "the Keel server at " + base + " did not answer in time; run the command again to resume");
    }
}
