package dev.keel.server;

import dev.keel.core.Json;
import dev.keel.core.KeelHome;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real embedded server on a Keel folder, bound to 127.0.0.1 on a free port, with a small HTTP
 * client: the one way tests start a server (keel-server ships it to keel-cli's tests in its
 * test jar).
 */
public final class ServerFixture implements AutoCloseable {
    public final KeelHome home;
    public final KeelServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Starts a server on the Keel folder {@code dir} (created when missing). */
    public ServerFixture(Path dir) {
        this(dir, 0);
    }

    /** The same on a given port: a server that comes back where its clients knew it. */
    public ServerFixture(Path dir, int port) {
        this.home = new KeelHome(dir);
        this.server = KeelServer.embedded(home, ServerSettings.local(port)).start();
    }

    /** The server's base URL, {@code http://127.0.0.1:PORT}. */
    public String url() {
        return server.url();
    }

    public int port() {
        return server.port();
    }

    private ServerFixture(KeelServer server) {
        this.home = null;
        this.server = server;
    }

    /** The client half only, for a server a test built itself; closing it closes that server. */
    public static ServerFixture client(KeelServer server) {
        return new ServerFixture(server);
    }

    /** A response: status, body text and the body parsed when it is a JSON object. */
    public record Reply(int status, String body, HttpResponse<String> raw) {
        public Map<String, Object> json() {
            return Json.readMap(body);
        }

        /** A Keel error's message, or the body when it is not JSON. */
        public String message() {
            return body.startsWith("{") ? String.valueOf(json().get("message")) : body;
        }
    }

    public Reply get(String path) {
        return send(
                HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build());
    }

    public Reply send(String method, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build());
    }

    public Reply send(HttpRequest request) {
        return exchange(http, request);
    }

    /** Sends {@code request} and reads the whole answer as text. */
    static Reply exchange(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
