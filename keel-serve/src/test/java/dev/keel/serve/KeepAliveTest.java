package dev.keel.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many keep-alive clients at once, as a load generator or a busy front proxy holds them: every
 * connection stays usable between requests. A server that closes connections once more than a
 * fixed number are idle makes a client's next request on one of them fail (the client cannot
 * tell that connection from a live one until it writes to it).
 */
class KeepAliveTest {
    static final int CONNECTIONS = 300;

    @TempDir
    Path tmp;

    @Test
    void everyKeepAliveConnectionOfManyConcurrentClientsStaysUsable() throws Exception {
        try (TinyModels models = new TinyModels(tmp.resolve("keel"))) {
            models.register(1);
            models.alias("production", 1);
            try (ModelServer s = ModelServer.start(
                    models.registry, ServeOptions.of("tiny@production").port(0).workDir(tmp.resolve("work")), null)) {
                List<Socket> sockets = new ArrayList<>();
                ExecutorService clients = Executors.newFixedThreadPool(16);
                try {
                    for (int i = 0; i < CONNECTIONS; i++) {
                        sockets.add(new Socket("127.0.0.1", s.port()));
                    }
                    // every connection answers a first request, then sits idle beside the others
                    // while they do; then every one answers a second
                    for (int round = 1; round <= 2; round++) {
                        List<Future<String>> answers = new ArrayList<>();
                        for (Socket socket : sockets) {
                            answers.add(clients.submit(() -> predict(socket, s.port())));
                        }
                        int failed = 0;
                        String example = "";
                        for (Future<String> a : answers) {
                            String status = a.get();
                            if (!status.startsWith("HTTP/1.1 200")) {
                                failed++;
                                example = status;
                            }
                        }
                        assertEquals(
                                0,
                                failed,
                                "round " + round + ": " + failed + " of " + CONNECTIONS
                                        + " keep-alive requests failed, e.g. " + example);
                    }
                } finally {
                    clients.shutdownNow();
                    for (Socket socket : sockets) {
                        socket.close();
                    }
                }
            }
        }
    }

    /** One prediction on the open connection: the status line, or what went wrong. */
    private static String predict(Socket socket, int port) {
        try {
            byte[] body = new byte[16];
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/models/tiny:predict HTTP/1.1\r\nHost: 127.0.0.1:" + port
                            + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            String status = line(in);
            if (status == null) {
                return "the server closed the connection";
            }
            long length = -1;
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(
                            h.substring("content-length:".length()).trim());
                }
            }
            assertTrue(length >= 0, "a response without Content-Length");
            in.readNBytes((int) length);
            return status;
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A header line without its CRLF; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
