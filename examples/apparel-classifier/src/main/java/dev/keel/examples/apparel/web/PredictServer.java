package dev.keel.examples.apparel.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.keel.examples.apparel.predictor.ApparelPredictor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The web backend, on the loopback interface only: {@code GET /} serves a page to upload a
 * picture; {@code POST /predict} takes the image bytes as the request body and answers JSON
 * {@code {"class": "...", "probabilities": {...}}}. Errors are JSON {@code {error_code, message}}:
 * 400 for an unreadable image, 413 over the size limit, 405 for a wrong method.
 *
 * <pre>{@code
 * try (PredictServer server = PredictServer.start(predictor, 7081)) { ... }
 * // curl --data-binary @shoe.png http://127.0.0.1:7081/predict
 * }</pre>
 */
public final class PredictServer implements AutoCloseable {
    /** Uploads larger than this are refused with 413. */
    public static final int MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor;

    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
        // delayed ACK, and every answer waits for that delay. The JDK reads
        // this property once, when its server configuration class loads, so set it before that.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private PredictServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving on 127.0.0.1:{@code port} (0 picks a free port). */
    public static PredictServer start(ApparelPredictor predictor, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        server.setExecutor(executor);
        server.createContext("/predict", ex -> handle(ex, () -> predict(ex, predictor)));
        server.createContext("/", ex -> handle(ex, () -> page(ex)));
        server.start();
        return new PredictServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7081;
        // a second argument names a registry version (apparel-classifier@production) instead of weights/
        ApparelPredictor predictor = args.length > 1 ? ApparelPredictor.load(args[1]) : ApparelPredictor.load();
        PredictServer server = start(predictor, port);
        System.out.println("apparel classifier: http://127.0.0.1:" + server.port() + "/  (Ctrl-C stops)");
    }

    private interface Action {
        void run() throws IOException;
    }

    private static void handle(HttpExchange ex, Action action) {
        try {
            action.run();
        } catch (IllegalArgumentException e) {
            error(ex, 400, "INVALID_IMAGE", e.getMessage());
        } catch (IOException | RuntimeException e) {
            error(ex, 500, "INTERNAL_ERROR", String.valueOf(e.getMessage()));
        } finally {
            ex.close();
        }
    }

    private static void predict(HttpExchange ex, ApparelPredictor predictor) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            error(ex, 405, "METHOD_NOT_ALLOWED", "use POST with the image bytes as the request body");
            return;
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            String declared = ex.getRequestHeaders().getFirst("Content-Length");
            if (declared != null && parseLong(declared) > MAX_UPLOAD_BYTES) {
                tooLarge(ex, in);
                return;
            }
            body = in.readNBytes(MAX_UPLOAD_BYTES + 1);
            if (body.length > MAX_UPLOAD_BYTES) {
                tooLarge(ex, in);
                return;
            }
        }
        ApparelPredictor.Prediction p = predictor.predict(body);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("class", p.className());
        out.put("index", p.classIndex());
        out.put("probabilities", p.probabilities());
        send(ex, 200, "application/json", JSON.writeValueAsBytes(out));
    }

    /**
     * Answers 413. The rest of the body is read and discarded first (up to 16× the limit) because
     * clients that are still sending when the server closes the connection see a reset, not the answer.
     */
    private static void tooLarge(HttpExchange ex, InputStream in) throws IOException {
        long skipped = 0;
        byte[] sink = new byte[1 << 16];
        for (int n; skipped < 16L * MAX_UPLOAD_BYTES && (n = in.read(sink)) > 0; ) {
            skipped += n;
        }
        ex.getResponseHeaders().set("Connection", "close");
        error(
                ex,
                413,
                "UPLOAD_TOO_LARGE",
                "the upload is larger than " + MAX_UPLOAD_BYTES / (1024 * 1024)
                        + " MiB; send a smaller image (28x28 is enough)");
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The upload page and its script and style (separate files: the page works under a strict CSP too). */
    private static final Map<String, String> PAGES = Map.of(
            "/", "index.html",
            "/page.js", "page.js",
            "/page.css", "page.css");

    private static void page(HttpExchange ex) throws IOException {
        String file = PAGES.get(ex.getRequestURI().getPath());
        if (file == null) {
            error(ex, 404, "NOT_FOUND", "no such page: " + ex.getRequestURI().getPath());
            return;
        }
        String type = file.endsWith(".js")
                ? "text/javascript; charset=utf-8"
                : file.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
        try (InputStream in = PredictServer.class.getResourceAsStream(file)) {
            send(ex, 200, type, in.readAllBytes());
        }
    }

    private static void error(HttpExchange ex, int status, String code, String message) {
        try {
            send(
                    ex,
                    status,
                    "application/json",
                    JSON.writeValueAsBytes(Map.of("error_code", code, "message", message)));
        } catch (IOException ignored) {
            // the client went away; nothing to tell it
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
