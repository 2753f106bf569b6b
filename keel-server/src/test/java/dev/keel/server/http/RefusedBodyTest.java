package dev.keel.server.http;

import dev.keel.core.KeelHome;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerFixture;
import dev.keel.server.ServerFixture.Reply;
import dev.keel.server.ServerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that writes its whole request body before reading the answer, as HTTP clients do,
 * reads the answer even when the server refused that body unread: megabytes are still arriving
 * when the answer is written, and a connection closed with them unread is reset by the kernel,
 * which loses the answer. The race is repeated, with a declared length and chunked.
 */
class RefusedBodyTest {
    private static final int LIMIT = 64 * 1024;
    private static final byte[] BODY = filled(8 * 1024 * 1024);
    private static final int ROUNDS = 8;

    @TempDir
    static Path dir;

    private static KeelServer server;
    private static ServerFixture client;
    private static String artifacts;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "refused-body-watchdog");
        t.setDaemon(true);
        return t;
    });

    @BeforeAll
    static void start() {
        server = KeelServer.embedded(
                        new KeelHome(dir),
                        ServerSettings.local(0).withMaxBodyBytes(LIMIT).withMaxArtifactBytes(LIMIT))
                .start();
        client = ServerFixture.client(server);
        Reply r = client.send("POST", "/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"0\"}");
        assertEquals(200, r.status(), r.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> info =
                (Map<String, Object>) ((Map<String, Object>) r.json().get("run")).get("info");
        artifacts = "/api/2.0/mlflow-artifacts/artifacts/0/" + info.get("run_id") + "/artifacts/";
    }

    @AfterAll
    static void stop() {
        client.close();
        WATCHDOG.shutdownNow();
    }

    @Test
    void aJsonBodyOverTheLimitIs413ToAClientThatWritesItAll() throws Exception {
        String head = "POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\n";
        for (boolean chunked : new boolean[] {false, true}) {
            for (int round = 0; round < ROUNDS; round++) {
                assertAnswered(413, "REQUEST_LIMIT_EXCEEDED", writeThenRead(head, chunked), chunked, round);
            }
        }
        assertStillServing();
    }

    @Test
    void anArtifactUploadOverTheLimitIs413ToAClientThatWritesItAll() throws Exception {
        for (boolean chunked : new boolean[] {false, true}) {
            for (int round = 0; round < ROUNDS; round++) {
                String head = "PUT " + artifacts + "big-" + chunked + "-" + round + ".bin HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n";
                assertAnswered(413, "REQUEST_LIMIT_EXCEEDED", writeThenRead(head, chunked), chunked, round);
            }
        }
        Reply files =
                client.get("/api/2.0/mlflow/artifacts/list?run_id=" + artifacts.split("/")[6]);
        assertEquals(200, files.status(), files.body());
        assertTrue(!files.body().contains("big-"), "a refused upload was kept: " + files.body());
        assertStillServing();
    }

    @Test
    void aBadRequestAnsweredBeforeTheBodyIsReadReachesAClientThatWritesItAll() throws Exception {
        // Refused before anything reads the body: an artifact path that names no run's
        // artifacts (400) and a path with no endpoint (404).
        String badPath = "PUT /api/2.0/mlflow-artifacts/artifacts/not-a-run-path HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n";
        String noEndpoint =
                "POST /api/2.0/mlflow/no-such-endpoint HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
        for (boolean chunked : new boolean[] {false, true}) {
            for (int round = 0; round < ROUNDS; round++) {
                assertAnswered(400, "INVALID_PARAMETER_VALUE", writeThenRead(badPath, chunked), chunked, round);
                assertAnswered(404, "ENDPOINT_NOT_FOUND", writeThenRead(noEndpoint, chunked), chunked, round);
            }
        }
        assertStillServing();
    }

    @Test
    void aContentLengthThatIsNotANumberIs400() throws Exception {
        // The JDK server refuses it itself, before any route (its own 400, not Keel's error
        // body), and cannot tell where such a body ends, so it closes at once and the client's
        // write is cut off; the answer must still be readable.
        String head = "POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 8MiB\r\n";
        for (int round = 0; round < ROUNDS; round++) {
            Outcome o = writeThenRead(head, BODY);
            assertTrue(o.answer().startsWith("HTTP/1.1 400"), "round " + round + ": " + o);
        }
        assertStillServing();
    }

    @Test
    void javasHttpClientReadsThe413OfABodyItSendsWhole() {
        URI uri = URI.create(server.url() + "/api/2.0/mlflow/experiments/create");
        for (int round = 0; round < ROUNDS; round++) {
            Reply fixed = client.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(BODY))
                    .header("Content-Type", "application/json")
                    .build());
            assertEquals(413, fixed.status(), fixed.body());
            assertTrue(fixed.body().contains("\"REQUEST_LIMIT_EXCEEDED\""), fixed.body());
            Reply chunked = client.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(BODY)))
                    .header("Content-Type", "application/json")
                    .build());
            assertEquals(413, chunked.status(), chunked.body());
            assertTrue(chunked.body().contains("\"REQUEST_LIMIT_EXCEEDED\""), chunked.body());
        }
        assertStillServing();
    }

    @Test
    void aClientThatStallsInItsRefusedBodyIsCutOffAndTheServerGoesOn() throws Exception {
        // It sends a little of a large declared body, then neither sends nor closes: the
        // server answers, stops waiting for the rest and ends the connection, long before the
        // socket timeout here; the request threads it held serve the requests that follow.
        for (int round = 0; round < 2; round++) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Content-Type: application/json\r\nContent-Length: " + BODY.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(BODY, 0, 3 * LIMIT);
                out.flush();
                String answer = readToEnd(socket.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
                assertTrue(
                        answer.endsWith("<end>") || answer.endsWith("<java.net.SocketException: Connection reset>"),
                        "the server kept the stalled connection open: " + answer);
            }
        }
        for (int i = 0; i < 40; i++) {
            assertStillServing();
        }
    }

    @Test
    void aRefusedBodyIsDroppedOnlyUpToABoundThenTheConnectionIsCutOff() throws Exception {
        long declared = 8 * LingeringBody.DRAIN_BYTES;
        long sent = 0;
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + declared + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            try {
                while (sent < declared) {
                    out.write(BODY);
                    sent += BODY.length;
                }
            } catch (IOException cutOff) {
                // expected: the server stopped reading and closed
            }
        }
        assertTrue(sent < declared, "the server read all " + declared + " bytes of a refused body");
        assertStillServing();
    }

    /** Reads until the server ends the connection: what came, then {@code <end>} or the error. */
    private static String readToEnd(InputStream in) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
            }
            got.writeBytes("<end>".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            got.writeBytes(("<" + e + ">").getBytes(StandardCharsets.UTF_8));
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    private static void assertStillServing() {
        assertEquals(200, client.get("/healthz").status());
        Reply small = client.send("POST", "/api/2.0/mlflow/experiments/search", "{\"max_results\":1}");
        assertEquals(200, small.status(), small.body());
    }

    private static void assertAnswered(int status, String code, Outcome o, boolean chunked, int round) {
        String what = (chunked ? "chunked" : "with Content-Length") + ", round " + round + ": " + o;
        assertTrue(o.wroteAll(), "the server broke the connection while the body was sent, " + what);
        assertTrue(o.answer().startsWith("HTTP/1.1 " + status + " "), what);
        assertTrue(o.answer().contains("\"error_code\":\"" + code + "\""), what);
    }

    /** What a client that writes first, then reads, got: whether its write went through, and the answer. */
    private record Outcome(boolean wroteAll, String writeError, String answer) {
        @Override
        public String toString() {
            String shown = answer.length() > 600 ? answer.substring(0, 600) + "..." : answer;
            return (wroteAll ? "body sent" : "body cut off (" + writeError + ")") + ", answer: '" + shown + "'";
        }
    }

    private static Outcome writeThenRead(String head, boolean chunked) throws IOException {
        if (!chunked) {
            return writeThenRead(head + "Content-Length: " + BODY.length + "\r\n", BODY);
        }
        ByteArrayOutputStream framed = new ByteArrayOutputStream(BODY.length + 4096);
        int chunk = 64 * 1024;
        for (int off = 0; off < BODY.length; off += chunk) {
            int n = Math.min(chunk, BODY.length - off);
            framed.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            framed.write(BODY, off, n);
            framed.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        framed.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return writeThenRead(head + "Transfer-Encoding: chunked\r\n", framed.toByteArray());
    }

    /**
     * Writes the head (ended here) and the whole body, then reads one answer: its head and as
     * many body bytes as it declares, or what arrived until the server closed. A server that
     * neither reads nor closes fails the write after a while instead of hanging the test.
     */
    private static Outcome writeThenRead(String head, byte[] body) throws IOException {
        // closed by hand, not by try-with-resources: the watchdog closes it too, from its thread
        Socket socket = new Socket("127.0.0.1", server.port());
        try {
            socket.setSoTimeout(20_000);
            ScheduledFuture<?> stuck = WATCHDOG.schedule(
                    () -> {
                        try {
                            socket.close();
                        } catch (IOException ignored) {
                            // closing is all it is for
                        }
                    },
                    30,
                    TimeUnit.SECONDS);
            boolean wrote = true;
            String writeError = null;
            try {
                OutputStream out = socket.getOutputStream();
                out.write((head + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (IOException e) {
                wrote = false;
                writeError = e.toString();
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                InputStream in = socket.getInputStream();
                byte[] buf = new byte[8192];
                int n;
                while (!complete(got.toByteArray()) && (n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                }
            } catch (IOException e) {
                got.writeBytes(("<" + e + ">").getBytes(StandardCharsets.UTF_8));
            } finally {
                stuck.cancel(false);
            }
            return new Outcome(wrote, writeError, got.toString(StandardCharsets.UTF_8));
        } finally {
            socket.close();
        }
    }

    /** Whether {@code got} holds a whole answer: its head and the body its Content-Length declares. */
    private static boolean complete(byte[] got) {
        String text = new String(got, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return got.length >= end + 4 + Long.parseLong(line.substring(15).trim());
            }
        }
        return false;
    }

    private static byte[] filled(int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 'x');
        return b;
    }
}
