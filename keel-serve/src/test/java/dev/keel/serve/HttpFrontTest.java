package dev.keel.serve;

import dev.keel.serve.RawHttp.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code keel serve}'s HTTP front does on the wire, against a started server over real
 * sockets: connections reused, pipelined requests answered in order, bodies over the limit
 * refused before they are read, {@code Expect: 100-continue}, malformed requests, HEAD, idle
 * connections and the connection limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpFrontTest {
    static final int LIMIT = 4096;

    @TempDir
    static Path tmp;

    TinyModels models;
    ModelServer server;

    @BeforeAll
    void start() throws IOException {
        models = new TinyModels(tmp.resolve("keel"));
        models.register(1);
        models.alias("production", 1);
        server = ModelServer.start(
                models.registry,
                ServeOptions.of("tiny@production")
                        .port(0)
                        .workDir(tmp.resolve("work"))
                        .maxBodyBytes(LIMIT),
                null);
    }

    @AfterAll
    void stop() {
        server.close();
        models.close();
    }

    static byte[] image() {
        return new byte[16];
    }

    @Test
    void manyConnectionsEachAnswerManyRequestsInTurn() throws Exception {
        List<RawHttp> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                clients.add(new RawHttp(server.port()));
            }
            for (int round = 0; round < 10; round++) {
                for (RawHttp c : clients) {
                    Answer a = round % 2 == 0
                            ? c.send(
                                    "POST",
                                    "/v1/models/tiny:predict",
                                    image(),
                                    "Content-Type: application/octet-stream")
                            : c.send("GET", "/healthz", null);
                    assertEquals(200, a.status(), a.body());
                    assertNull(a.header("Connection"), "a keep-alive answer does not close");
                }
            }
        } finally {
            for (RawHttp c : clients) {
                c.close();
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheOrderSent() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int n = 30;
            for (int i = 0; i < n; i++) {
                String id = "Request-Id-" + i;
                byte[] one = switch (i % 3) {
                    case 0 ->
                        c.request(
                                "POST",
                                "/v1/models/tiny:predict",
                                image(),
                                "X-Request-Id: " + id,
                                "Content-Type: application/octet-stream");
                    case 1 -> c.request("GET", "/healthz", null, "X-Request-Id: " + id);
                    default -> c.request("GET", "/no/such/page", null, "X-Request-Id: " + id);
                };
                all.writeBytes(one);
            }
            c.write(all.toByteArray());
            for (int i = 0; i < n; i++) {
                Answer a = c.read(true);
                assertEquals("Request-Id-" + i, a.header("X-Request-Id"));
                assertEquals(i % 3 == 2 ? 404 : 200, a.status(), a.body());
            }
        }
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedUnreadAndTheConnectionCloses() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            // the head only: the server answers without waiting for a body it will not read
            c.write(c.head("POST", "/v1/models/tiny:predict", new byte[LIMIT + 1], "Content-Type: image/png"));
            Answer a = c.read(true);
            assertEquals(413, a.status());
            assertEquals("close", a.header("Connection"));
            assertTrue(a.body().contains("\"REQUEST_LIMIT_EXCEEDED\""), a.body());
            assertTrue(a.body().contains("larger than this server's limit of " + LIMIT + " bytes"), a.body());
            assertNotNull(a.header("X-Request-Id"));
            assertEquals("nosniff", a.header("X-Content-Type-Options"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aClientThatSendsItsWholeRefusedBodyBeforeReadingStillGetsTheAnswer() throws Exception {
        // As HTTP clients do: the whole body first, then the answer. Megabytes past the limit
        // are still arriving when the 413 is written; closing with them unread would reset the
        // connection under the client and lose the answer.
        byte[] body = new byte[8 * 1024 * 1024];
        for (int round = 0; round < 3; round++) {
            try (RawHttp c = new RawHttp(server.port())) {
                c.write(c.request("POST", "/v1/models/tiny:predict", body, "Content-Type: image/png"));
                Answer a = c.read(true);
                assertEquals(413, a.status(), a.body());
                assertTrue(a.body().contains("\"REQUEST_LIMIT_EXCEEDED\""), a.body());
                assertTrue(c.closedByServer());
            }
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedAndTheConnectionCloses() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.write("POST /v1/models/tiny:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "a".repeat(1000);
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                body.append(Integer.toHexString(chunk.length()))
                        .append("\r\n")
                        .append(chunk)
                        .append("\r\n");
            }
            c.write(body.toString());
            Answer a = c.read(true);
            assertEquals(413, a.status(), a.body());
            assertEquals("close", a.header("Connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aChunkedBodyWithinTheLimitIsAnswered() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.write("POST /v1/models/tiny:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n8\r\n" + "\0".repeat(8) + "\r\n8\r\n"
                    + "\0".repeat(8) + "\r\n0\r\n\r\n");
            Answer a = c.read(true);
            assertEquals(200, a.status(), a.body());
            assertEquals(200, c.send("GET", "/healthz", null).status());
        }
    }

    @Test
    void expectContinueIsAnsweredWith100ThenTheResponse() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.write(c.head(
                    "POST",
                    "/v1/models/tiny:predict",
                    image(),
                    "Expect: 100-continue",
                    "Content-Type: application/octet-stream"));
            Answer go = c.read(false);
            assertEquals(100, go.status());
            c.write(image());
            Answer a = c.read(true);
            assertEquals(200, a.status(), a.body());
            assertTrue(a.body().startsWith("{\"model_version\": \"tiny:v1\""), a.body());
        }
    }

    @Test
    void expectContinueWithABodyOverTheLimitGets413Not100() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.write(c.head("POST", "/v1/models/tiny:predict", new byte[LIMIT * 2], "Expect: 100-continue"));
            Answer a = c.read(true);
            assertEquals(413, a.status());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aMalformedRequestLineIs400AndTheConnectionCloses() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.write("THIS IS NOT HTTP\r\n\r\n");
            Answer a = c.read(true);
            assertEquals(400, a.status(), a.body());
            assertTrue(a.body().contains("\"BAD_REQUEST\""), a.body());
            assertEquals("close", a.header("Connection"));
            assertEquals("DENY", a.header("X-Frame-Options"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void tooManyHeaderLinesAre400() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            StringBuilder many = new StringBuilder("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (int i = 0; i < 150; i++) {
                many.append("X-Filler-").append(i).append(": x\r\n");
            }
            c.write(many.append("\r\n").toString());
            Answer a = c.read(true);
            assertEquals(400, a.status(), a.body());
            assertTrue(a.body().contains("more than 100 header lines"), a.body());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aRequestTargetThatIsNotAPathIs400() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.write("GET /healthz<script> HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            Answer a = c.read(true);
            assertEquals(400, a.status(), a.body());
            assertTrue(a.body().contains("is not a path"), a.body());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void headAnswersTheLengthAndNoBodySoTheConnectionGoesOn() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            Answer head = c.send("HEAD", "/healthz", null);
            assertEquals(200, head.status());
            Answer get = c.send("GET", "/healthz", null);
            assertEquals(200, get.status());
            assertEquals(
                    get.body().getBytes(StandardCharsets.UTF_8).length,
                    Integer.parseInt(head.header("Content-Length")));
        }
    }

    @Test
    void aBadHostIsRefusedAsOnTheKeelServer() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.write("GET /healthz HTTP/1.1\r\nHost: attacker.example\r\n\r\n");
            Answer a = c.read(true);
            assertEquals(403, a.status(), a.body());
            assertTrue(a.body().contains("refused Host 'attacker.example'"), a.body());
        }
    }

    @Test
    void anIdleConnectionAndAHalfSentRequestAreClosedAfterTheIdleTimeout() throws Exception {
        try (ModelServer s = ModelServer.start(
                        models.registry,
                        ServeOptions.of("tiny@production")
                                .port(0)
                                .workDir(tmp.resolve("work-idle"))
                                .idleTimeoutMs(300),
                        null);
                RawHttp idle = new RawHttp(s.port());
                RawHttp slow = new RawHttp(s.port())) {
            assertEquals(200, idle.send("GET", "/healthz", null).status());
            slow.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            // each read blocks until the server closes (the socket's own timeout is far longer)
            assertTrue(idle.closedByServer());
            assertTrue(slow.closedByServer());
        }
    }

    @Test
    void connectionsPastTheLimitAreAnswered503AndClosed() throws Exception {
        try (ModelServer s = ModelServer.start(
                models.registry,
                ServeOptions.of("tiny@production")
                        .port(0)
                        .workDir(tmp.resolve("work-limit"))
                        .maxConnections(2),
                null)) {
            try (RawHttp one = new RawHttp(s.port());
                    RawHttp two = new RawHttp(s.port())) {
                assertEquals(200, one.send("GET", "/healthz", null).status());
                assertEquals(200, two.send("GET", "/healthz", null).status());
                try (RawHttp three = new RawHttp(s.port())) {
                    Answer a = three.read(true);
                    assertEquals(503, a.status());
                    assertTrue(a.body().contains("limit of 2 open connections"), a.body());
                    assertTrue(three.closedByServer());
                }
                assertEquals(200, one.send("GET", "/healthz", null).status());
            }
        }
    }
}
