package dev.keel.examples.apparel.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.examples.apparel.predictor.ApparelPredictor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real server on 127.0.0.1 and real HTTP requests. */
class PredictServerTest {
    static ApparelPredictor predictor;
    static PredictServer server;
    static HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        predictor = ApparelPredictor.load();
        server = PredictServer.start(predictor, 0);
    }

    @AfterAll
    static void stop() {
        server.close();
        predictor.close();
    }

    private static HttpResponse<String> post(byte[] body) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/predict");
        return client.send(
                HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void predictsAnUploadedPng() throws Exception {
        HttpResponse<String> r = post(Files.readAllBytes(Path.of("src/test/resources/support/sneaker_1.png")));
        assertEquals(200, r.statusCode(), r.body());
        Map<?, ?> json = new ObjectMapper().readValue(r.body(), Map.class);
        assertEquals("Sneaker", json.get("class"));
        assertEquals(10, ((Map<?, ?>) json.get("probabilities")).size());
    }

    @Test
    void refusesOversizedUploadsWith413() throws Exception {
        HttpResponse<String> r = post(new byte[PredictServer.MAX_UPLOAD_BYTES + 1]);
        assertEquals(413, r.statusCode());
        assertTrue(r.body().contains("\"error_code\":\"UPLOAD_TOO_LARGE\""), r.body());
        assertTrue(r.body().contains("larger than 2 MiB"), r.body());
    }

    @Test
    void explainsANonImageWith400() throws Exception {
        HttpResponse<String> r = post("not an image".getBytes());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("not a PNG or JPEG image"), r.body());
    }

    @Test
    void servesTheUploadPage() throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("<script src=\"page.js\">"), r.body());
        HttpResponse<String> script = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/page.js"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, script.statusCode());
        assertTrue(script.body().contains("let endpoint = '/predict';"), script.body());
    }
}
