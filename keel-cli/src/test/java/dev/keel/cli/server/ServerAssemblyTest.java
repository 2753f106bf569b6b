package dev.keel.cli.server;

import dev.keel.server.KeelServer;
import dev.keel.server.auth.Access;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings of a config file reach the running server: body limit, request log, store and blobs. */
class ServerAssemblyTest {
    @TempDir
    Path dir;

    @Test
    void theBodyLimitOfTheConfigFileIsEnforcedWithA413() throws Exception {
        Path config = dir.resolve("server.yaml");
        Files.writeString(config, "db: " + dir.resolve("team/.keel") + "\nport: 0\nmax-body-bytes: 2048\n");
        StringWriter log = new StringWriter();
        ServerConfig resolved = ServerConfig.resolve(Map.of(), Map.of(), config);
        try (KeelServer server = ServerAssembly.builder(resolved, new PrintWriter(log, true))
                .module((router, ctx) -> router.post(
                        "/api/v1/test/echo",
                        Access.anyone(),
                        "echo",
                        request -> Map.of("bytes", request.body().length)))
                .build()
                .start()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> small = http.send(
                    HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/test/echo"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"a\":\"" + "x".repeat(1000) + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, small.statusCode(), small.body());
            HttpResponse<String> big = http.send(
                    HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/test/echo"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"a\":\"" + "x".repeat(3000) + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, big.statusCode(), big.body());
            assertTrue(big.body().contains("larger than this server's limit of 2048 bytes"), big.body());
            assertTrue(big.body().contains("max-body-bytes"), "the message names the setting: " + big.body());
        }
        assertTrue(Files.exists(dir.resolve("team/.keel/keel.db")), "the SQLite store was created in the folder");
        assertTrue(log.toString().contains(" POST /api/v1/test/echo 413 "), log.toString());
    }
}
