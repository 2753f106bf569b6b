package dev.keel.serve;

import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.serve.internal.ServeRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The access matrix of {@code keel serve}: every route of {@link ServeRoute} × every {@link Cell}
 * (no key on a server without keys, no / a wrong / the right key on a server with keys, a foreign
 * {@code Origin}, a rebinding {@code Host}, a body over the limit), each asserted with its exact
 * status against real {@link ModelServer}s over HTTP. A route without a row in {@link #TABLE}
 * fails the test, and so does a route the servers answer that the table does not name.
 *
 * <p>The servers with keys listen on 127.0.0.1 like every test server: the key check does not
 * depend on the address, and a server bound beyond loopback must have keys ({@link
 * #beyondLoopbackNeedsKeys}). The rule in each row says who must get through, independently of
 * the rule the route declares: that is what is being tested.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeAccessMatrixTest {
    static final String KEY = "s3cret-key";
    static final long LIMIT = 64 * 1024;

    /** Who must get through. */
    enum Rule {
        /** everyone: no key needed even where the server has keys */
        ANYONE,
        /** anyone on a server without keys, only a caller with a key on a server with keys */
        CALLER
    }

    /** One request's setting. */
    enum Cell {
        NO_KEYS_NO_KEY(false),
        KEYED_NO_KEY(true),
        KEYED_WRONG_KEY(true),
        KEYED_RIGHT_KEY(true),
        NO_KEYS_FOREIGN_ORIGIN(false),
        KEYED_FOREIGN_ORIGIN(true),
        NO_KEYS_BAD_HOST(false),
        KEYED_BAD_HOST(true),
        NO_KEYS_OVERSIZED(false),
        KEYED_OVERSIZED(true);

        final boolean keyed;

        Cell(boolean keyed) {
            this.keyed = keyed;
        }
    }

    /** @param body null for a request without one */
    record Row(Rule rule, String path, String type, byte[] body) {}

    static final Map<ServeRoute, Row> TABLE = new EnumMap<>(Map.of(
            ServeRoute.PREDICT,
            new Row(Rule.CALLER, "/v1/models/tiny:predict", "application/octet-stream", new byte[16]),
            ServeRoute.MODELS,
            new Row(Rule.CALLER, "/v1/models", null, null),
            ServeRoute.MODEL,
            new Row(Rule.CALLER, "/v1/models/tiny", null, null),
            ServeRoute.HEALTH,
            new Row(Rule.ANYONE, "/healthz", null, null),
            ServeRoute.METRICS,
            new Row(Rule.CALLER, "/metrics", null, null),
            ServeRoute.OPENAPI,
            new Row(Rule.ANYONE, "/openapi.json", null, null),
            ServeRoute.WEB_INDEX,
            new Row(Rule.CALLER, "/", null, null),
            ServeRoute.WEB_FILE,
            new Row(Rule.CALLER, "/app.js", null, null)));

    /** The status a cell must get; 0 where the cell does not apply (a body limit on a route without a body). */
    static int expected(Rule rule, Cell cell, Row row) {
        boolean post = row.body != null;
        return switch (cell) {
            case NO_KEYS_NO_KEY, KEYED_RIGHT_KEY -> 200;
            case KEYED_NO_KEY -> rule == Rule.ANYONE ? 200 : 401;
            // a wrong key is refused wherever it is sent, never taken as no key
            case KEYED_WRONG_KEY -> 401;
            // reads from another origin pass (the browser hides the answer without a CORS grant)
            case NO_KEYS_FOREIGN_ORIGIN, KEYED_FOREIGN_ORIGIN -> post ? 403 : 200;
            case NO_KEYS_BAD_HOST, KEYED_BAD_HOST -> 403;
            case NO_KEYS_OVERSIZED, KEYED_OVERSIZED -> post ? 413 : 0;
        };
    }

    @TempDir
    static Path tmp;

    TinyModels models;
    ModelServer open;
    ModelServer keyed;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws IOException {
        models = new TinyModels(tmp.resolve("keel"));
        models.register(1);
        models.alias("production", 1);
        Path web = Files.createDirectories(tmp.resolve("web"));
        Files.writeString(web.resolve("index.html"), "<!doctype html><title>upload</title>");
        Files.writeString(web.resolve("app.js"), "console.log('upload');");
        open = ModelServer.start(models.registry, options(web, "open"), null);
        keyed = ModelServer.start(models.registry, options(web, "keyed").apiKeys(List.of(KEY)), null);
    }

    private ServeOptions options(Path web, String work) {
        return ServeOptions.of("tiny@production")
                .port(0)
                .maxBodyBytes(LIMIT)
                .webDir(web)
                .workDir(tmp.resolve(work));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {open, keyed, models}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void everyRouteAllowsAndDeniesExactlyAsItsRowSays() throws Exception {
        assertEquals(EnumSet.allOf(ServeRoute.class), TABLE.keySet(), "every route of ServeRoute needs a row in TABLE");
        List<String> failures = new ArrayList<>();
        int cells = 0;
        for (Map.Entry<ServeRoute, Row> e : TABLE.entrySet()) {
            ServeRoute route = e.getKey();
            Row row = e.getValue();
            for (Cell cell : Cell.values()) {
                int want = expected(row.rule, cell, row);
                if (want == 0) {
                    continue;
                }
                cells++;
                Answer got = send(cell.keyed ? keyed : open, route.method(), row, cell);
                if (got.status != want) {
                    failures.add(route + " " + route.method() + " " + row.path + " " + cell + ": expected " + want
                            + ", got " + got.status + " " + got.body);
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cells + " cells wrong:\n" + String.join("\n", failures));
        }
    }

    @Test
    void theServersAnswerExactlyTheRoutesOfTheTable() throws Exception {
        Set<String> table = new TreeSet<>();
        for (ServeRoute r : TABLE.keySet()) {
            table.add(r.method() + " " + (r == ServeRoute.PREDICT ? "/v1/models/{name}:predict" : r.pattern()));
        }
        for (ModelServer s : List.of(open, keyed)) {
            Answer doc = send(s, "GET", TABLE.get(ServeRoute.OPENAPI), Cell.KEYED_RIGHT_KEY);
            assertEquals(200, doc.status, doc.body);
            Set<String> served = new TreeSet<>();
            Map<String, Object> paths = asMap(Json.readMap(doc.body).get("paths"));
            paths.forEach((path, ops) -> asMap(ops).keySet().forEach(m -> served.add(m.toUpperCase() + " " + path)));
            assertEquals(table, served, "the routes a server answers and the rows of TABLE");
        }
    }

    @Test
    void theDeclaredRulesAreTheRowsRules() {
        for (Map.Entry<ServeRoute, Row> e : TABLE.entrySet()) {
            assertEquals(
                    e.getValue().rule.name(),
                    e.getKey().rule().name(),
                    e.getKey() + " declares " + e.getKey().rule() + "; its row says " + e.getValue().rule);
        }
    }

    @Test
    void beyondLoopbackNeedsKeys() {
        KeelException refused = assertThrows(
                KeelException.class,
                () -> ModelServer.start(
                        models.registry,
                        ServeOptions.of("tiny@production").listen("0.0.0.0", 0).workDir(tmp.resolve("work")),
                        null));
        assertTrue(refused.getMessage().contains("give API keys"), refused.getMessage());
    }

    record Answer(int status, String body) {}

    private Answer send(ModelServer s, String method, Row row, Cell cell) throws Exception {
        byte[] body = row.body;
        if (cell == Cell.NO_KEYS_OVERSIZED || cell == Cell.KEYED_OVERSIZED) {
            body = new byte[(int) LIMIT + 1024];
        }
        String auth = switch (cell) {
            case KEYED_NO_KEY, NO_KEYS_NO_KEY, NO_KEYS_FOREIGN_ORIGIN, NO_KEYS_BAD_HOST, NO_KEYS_OVERSIZED -> null;
            case KEYED_WRONG_KEY -> "Bearer not-" + KEY;
            case KEYED_RIGHT_KEY, KEYED_FOREIGN_ORIGIN, KEYED_BAD_HOST, KEYED_OVERSIZED -> "Bearer " + KEY;
        };
        if (cell == Cell.NO_KEYS_BAD_HOST || cell == Cell.KEYED_BAD_HOST) {
            return raw(s, method, row, body, auth);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + row.path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (row.type != null) {
            b.header("Content-Type", row.type);
        }
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (cell == Cell.NO_KEYS_FOREIGN_ORIGIN || cell == Cell.KEYED_FOREIGN_ORIGIN) {
            b.header("Origin", "http://evil.example");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    /**
     * The request a DNS-rebinding page makes: its own name in {@code Host}. Sent over a socket,
     * since HTTP clients set {@code Host} themselves.
     */
    private static Answer raw(ModelServer s, String method, Row row, byte[] body, String auth) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(row.path).append(" HTTP/1.1\r\n");
            head.append("Host: rebound.example:").append(s.port()).append("\r\n");
            head.append("Connection: close\r\n");
            if (auth != null) {
                head.append("Authorization: ").append(auth).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: ").append(row.type).append("\r\n");
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String[] status = answer.split("\r\n", 2)[0].split(" ");
            return new Answer(Integer.parseInt(status[1]), answer);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }
}
