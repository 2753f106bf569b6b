package dev.keel.server.http;

import dev.keel.core.KeelHome;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.store.Stores;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerFixture;
import dev.keel.server.ServerSettings;
import dev.keel.server.auth.Access;
import dev.keel.server.ops.RequestLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Security headers, closed CORS, the request log's discretion, body limits and hostile paths. */
class HardeningTest {
    private static final String KEY = "keel_k3y_5ecret_do_not_log_0123456789";

    @TempDir
    Path dir;

    /** A server with a small body limit and one echo route that reads its JSON body. */
    private KeelServer server(long maxBody, List<String> log) {
        KeelHome home = new KeelHome(dir).ensureExists();
        RequestLog requestLog = new RequestLog(log::add);
        return KeelServer.builder()
                .store(Stores.open(home.storeLocation()))
                .blobs(new LocalBlobStore(home.blobs()))
                .settings(ServerSettings.local(0).withMaxBodyBytes(maxBody))
                .listener(requestLog)
                .closeWithServer(requestLog)
                .module((router, ctx) -> router.post(
                        "/api/v1/test/echo",
                        Access.anyone(),
                        "echo",
                        request -> Map.of("size", request.json().size())))
                .build()
                .start();
    }

    @Test
    void everyResponseCarriesSecurityHeadersAndNoCorsGrant() {
        try (ServerFixture f = new ServerFixture(dir)) {
            for (String path : List.of("/healthz", "/api/v1/projects", "/api/v1/runs/nope", "/no/route")) {
                var r = f.send(HttpRequest.newBuilder(URI.create(f.server.url() + path))
                        .header("Origin", "https://evil.example")
                        .GET()
                        .build());
                var h = r.raw().headers();
                assertEquals("nosniff", h.firstValue("X-Content-Type-Options").orElse(null), path);
                assertEquals("DENY", h.firstValue("X-Frame-Options").orElse(null), path);
                assertEquals("no-referrer", h.firstValue("Referrer-Policy").orElse(null), path);
                assertTrue(h.firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"), path);
                assertEquals("no-store", h.firstValue("Cache-Control").orElse(null), path);
                assertTrue(h.firstValue("X-Request-Id").isPresent(), path);
                assertNoCors(h.map(), path);
            }
        }
    }

    @Test
    void corsPreflightIsAnsweredWithoutAllowingAnything() {
        try (ServerFixture f = new ServerFixture(dir)) {
            var r = f.send(HttpRequest.newBuilder(URI.create(f.server.url() + "/api/v1/projects"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://evil.example")
                    .header("Access-Control-Request-Method", "DELETE")
                    .header("Access-Control-Request-Headers", "authorization")
                    .build());
            assertEquals(204, r.status());
            assertEquals(
                    "GET, HEAD, OPTIONS", r.raw().headers().firstValue("Allow").orElse(null));
            assertNoCors(r.raw().headers().map(), "preflight");
            var unknown = f.send(HttpRequest.newBuilder(URI.create(f.server.url() + "/api/v1/nothing"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://evil.example")
                    .build());
            assertEquals(404, unknown.status());
            assertNoCors(unknown.raw().headers().map(), "preflight of an unknown path");
        }
    }

    private static void assertNoCors(Map<String, List<String>> headers, String what) {
        for (String name : headers.keySet()) {
            assertFalse(name.toLowerCase().startsWith("access-control-"), what + " sent " + name);
        }
    }

    @Test
    void requestLogHasIdRouteStatusAndUserButNeverKeysQueriesOrCookies() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (KeelServer s = server(1 << 20, log)) {
            ServerFixture.Reply r;
            try (ServerFixture client = ServerFixture.client(s)) {
                r = client.send(HttpRequest.newBuilder(
                                URI.create(s.url() + "/api/v1/projects/vision/runs?filter=" + KEY + "&api_key=" + KEY))
                        .header("Authorization", "Bearer " + KEY)
                        .header("Cookie", "keel_session=" + KEY)
                        .header("X-Api-Key", KEY)
                        .header("X-Request-Id", "trace-42")
                        .GET()
                        .build());
                client.send(HttpRequest.newBuilder(URI.create(s.url() + "/api/v1/" + KEY))
                        .header("Authorization", "Bearer " + KEY)
                        .GET()
                        .build());
            }
            assertEquals(
                    "trace-42", r.raw().headers().firstValue("X-Request-Id").orElse(null));
            // a passing run waits only for its lines; a loaded machine may take its time
            long deadline = System.currentTimeMillis() + 60_000;
            while (log.size() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
        }
        assertEquals(2, log.size(), log.toString());
        // Listeners hear of a request once its answer is sent, so the two lines may come in either order.
        String first =
                log.stream().filter(l -> l.contains("trace-42")).findFirst().orElse(log.toString());
        String second =
                log.stream().filter(l -> !l.contains("trace-42")).findFirst().orElse(log.toString());
        assertTrue(first.contains(" id=trace-42 GET /api/v1/projects/{project}/runs "), first);
        assertTrue(first.matches(".* (200|400|404) [0-9.]+ms user=\\S+$"), first);
        assertTrue(second.contains(" GET unmatched 404 "), second);
        for (String line : log) {
            assertFalse(line.contains(KEY), "the request log leaked a secret: " + line);
            assertFalse(line.contains("k3y"), line);
        }
    }

    @Test
    void bodiesOverTheConfiguredLimitAre413WithTheLimitInTheMessage() throws Exception {
        try (KeelServer s = server(1000, new CopyOnWriteArrayList<>());
                ServerFixture client = ServerFixture.client(s)) {
            var small = client.send("POST", "/api/v1/test/echo", "{\"a\":1,\"b\":[1,2,3]}");
            assertEquals(200, small.status(), small.body());
            assertEquals(2L, small.json().get("size"));

            // Declared too large: refused from the headers alone, before the body is read.
            String reply = raw(
                    s,
                    "POST /api/v1/test/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 5000000000\r\n\r\n{");
            assertTrue(reply.startsWith("HTTP/1.1 413"), reply);
            assertTrue(reply.contains("\"error_code\":\"REQUEST_LIMIT_EXCEEDED\""), reply);
            assertTrue(reply.contains("limit of 1000 bytes"), reply);
            // the unread body ends the connection: a keep-alive client must not send more on it
            assertTrue(reply.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), reply);

            // Sent chunked, without a length: refused once the limit is crossed.
            String big = "{\"k\":\"" + "x".repeat(5000) + "\"}";
            var chunked = client.send(HttpRequest.newBuilder(URI.create(s.url() + "/api/v1/test/echo"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                    .build());
            assertEquals(413, chunked.status(), chunked.body());
            assertEquals(200, client.get("/healthz").status());
        }
    }

    @Test
    void headIsGetWithoutTheBody() throws Exception {
        try (ServerFixture f = new ServerFixture(dir)) {
            var r = f.send(HttpRequest.newBuilder(URI.create(f.server.url() + "/healthz"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build());
            assertEquals(200, r.status());
            assertEquals("", r.body());
            assertEquals(
                    "nosniff",
                    r.raw().headers().firstValue("X-Content-Type-Options").orElse(null));
            var missing = f.send(HttpRequest.newBuilder(URI.create(f.server.url() + "/api/v1/runs/nope"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build());
            assertEquals(404, missing.status());
        }
    }

    @Test
    void dotSegmentsAndNulInAnyPathParameterAre400() {
        try (ServerFixture f = new ServerFixture(dir)) {
            for (String path : List.of(
                    "/api/v1/runs/..",
                    "/api/v1/runs/%2E%2E/files",
                    "/api/v1/runs/x/metrics/a/../../b",
                    "/api/v1/runs/x/metrics/a%2F..%2F..%2Fetc%2Fpasswd",
                    "/api/v1/projects/..%5C..%5Cwin",
                    "/api/v1/projects/a%00b",
                    "/api/v1/runs/./files")) {
                var r = f.send(HttpRequest.newBuilder(URI.create(f.server.url() + path))
                        .GET()
                        .build());
                assertEquals(400, r.status(), path + " -> " + r.body());
                assertEquals("INVALID_PARAMETER_VALUE", r.json().get("error_code"), path);
            }
            var unicode = f.get("/api/v1/projects/%E6%97%A5%E6%9C%AC%F0%9F%9A%80/runs");
            assertTrue(unicode.status() == 200 || unicode.status() == 404, unicode.body());
        }
    }

    @Test
    void hugeHeadersAreRefusedAndTheServerStaysHealthy() throws Exception {
        try (ServerFixture f = new ServerFixture(dir)) {
            String reply = raw(
                    f.server, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(200_000) + "\r\n\r\n");
            assertFalse(reply.startsWith("HTTP/1.1 200"), "a 200 KB header was accepted: " + reply);
            StringBuilder many = new StringBuilder("GET /healthz HTTP/1.1\r\nHost: localhost\r\n");
            for (int i = 0; i < 500; i++) {
                many.append("X-H").append(i).append(": v\r\n");
            }
            String reply2 = raw(f.server, many.append("\r\n").toString());
            assertFalse(reply2.startsWith("HTTP/1.1 200"), "500 headers were accepted: " + reply2);
            assertEquals(200, f.get("/healthz").status());
        }
    }

    /** Sends raw bytes on a fresh connection; returns what came back before the server closed (or 5 s). */
    static String raw(KeelServer s, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.UTF_8));
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                // the server may close while we are still writing a huge request
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                }
            } catch (IOException e) {
                // reset or timeout: keep what arrived
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }
}
