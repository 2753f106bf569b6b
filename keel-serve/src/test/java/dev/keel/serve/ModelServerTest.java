package dev.keel.serve;

import dev.keel.core.Json;
import dev.keel.core.KeelException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server in this JVM over a real Keel folder with registered test models. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelServerTest {
    @TempDir
    static Path tmp;

    TinyModels models;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void register() throws IOException {
        models = new TinyModels(tmp.resolve("keel"));
        assertEquals("tiny:v1", models.register(1));
        assertEquals("tiny:v2", models.register(2));
        models.alias("production", 1);
    }

    @AfterAll
    void close() {
        models.close();
    }

    ModelServer start(ServeOptions o) {
        return ModelServer.start(models.registry, o.port(0).workDir(tmp.resolve("work")), null);
    }

    HttpResponse<String> post(ModelServer s, String path, String type, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(ModelServer s, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static byte[] png(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void predictsRawPixelsPngAndJsonWithTheAliasedVersion() throws Exception {
        try (ModelServer s = start(ServeOptions.of("tiny@production"))) {
            HttpResponse<String> raw = post(s, "/v1/models/tiny:predict", "application/octet-stream", new byte[16]);
            assertEquals(200, raw.statusCode(), raw.body());
            Map<String, Object> answer = Json.readMap(raw.body());
            assertEquals("b", answer.get("class"));
            assertEquals("tiny:v1", answer.get("model_version"));
            assertEquals(
                    "tiny:v1", raw.headers().firstValue("X-Keel-Model-Version").orElseThrow());

            HttpResponse<String> image = post(s, "/v1/models/tiny:predict", "image/png", png(8, 8));
            assertEquals(200, image.statusCode(), image.body());

            String b64 = Base64.getEncoder().encodeToString(png(4, 4));
            HttpResponse<String> json = post(
                    s,
                    "/v1/models/tiny:predict",
                    "application/json",
                    ("{\"instances\": [{\"b64\": \"" + b64 + "\"}, {\"b64\": \"" + b64 + "\"}]}").getBytes());
            assertEquals(200, json.statusCode(), json.body());
            assertEquals(2, ((List<?>) Json.readMap(json.body()).get("predictions")).size());
        }
    }

    @Test
    void describesTheVersionHealthMetricsAndApi() throws Exception {
        try (ModelServer s = start(ServeOptions.of("tiny@production"))) {
            post(s, "/v1/models/tiny:predict", "application/octet-stream", new byte[16]);
            Map<String, Object> model = Json.readMap(get(s, "/v1/models/tiny").body());
            assertEquals("tiny:v1", model.get("ref"));
            assertEquals("tiny@production", model.get("following"));
            assertNotNull(((Map<?, ?>) model.get("lineage")).get("run"));
            Map<String, Object> health = Json.readMap(get(s, "/healthz").body());
            assertEquals("ok", health.get("status"));
            String metrics = get(s, "/metrics").body();
            assertTrue(metrics.contains("keel_serve_requests_total{model=\"tiny\",status=\"200\"} 1"), metrics);
            assertTrue(metrics.contains("keel_serve_batch_size_count"), metrics);
            assertTrue(metrics.contains("keel_serve_queue_depth{model=\"tiny\"} 0"), metrics);
            assertTrue(metrics.contains("keel_serve_predictions_total{model=\"tiny\",class=\"b\"} 1"), metrics);
            assertTrue(get(s, "/openapi.json").body().contains("/v1/models/{name}:predict"));
        }
    }

    @Test
    void refusesBadInputWithMessagesThatSayWhatToSend() throws Exception {
        try (ModelServer s = start(ServeOptions.of("tiny@production").maxBodyBytes(64 * 1024))) {
            HttpResponse<String> text =
                    post(s, "/v1/models/tiny:predict", "text/plain", "hello, not an image".getBytes());
            assertEquals(400, text.statusCode());
            assertTrue(text.body().contains("not a PNG or JPEG image (19 bytes)"), text.body());

            HttpResponse<String> empty = post(s, "/v1/models/tiny:predict", "image/png", new byte[0]);
            assertEquals(400, empty.statusCode());
            assertTrue(empty.body().contains("the request body is empty"), empty.body());

            HttpResponse<String> wrongSize =
                    post(s, "/v1/models/tiny:predict", "application/octet-stream", new byte[15]);
            assertEquals(400, wrongSize.statusCode());
            assertTrue(wrongSize.body().contains("exactly 16 raw grey bytes (4x4)"), wrongSize.body());

            HttpResponse<String> huge = post(s, "/v1/models/tiny:predict", "image/png", png(5000, 2));
            assertEquals(400, huge.statusCode());
            assertTrue(huge.body().contains("the image is 5000x2 pixels, larger than this model takes"), huge.body());

            HttpResponse<String> tooBig = post(s, "/v1/models/tiny:predict", "image/png", new byte[65 * 1024]);
            assertEquals(413, tooBig.statusCode(), tooBig.body());

            HttpResponse<String> otherModel = post(s, "/v1/models/other:predict", "image/png", png(4, 4));
            assertEquals(404, otherModel.statusCode());
            assertTrue(otherModel.body().contains("this server serves model 'tiny', not 'other'"), otherModel.body());

            HttpResponse<String> badJson =
                    post(s, "/v1/models/tiny:predict", "application/json", "{\"x\":1}".getBytes());
            assertEquals(400, badJson.statusCode());
            assertTrue(badJson.body().contains("{\\\"instances\\\""), badJson.body());

            // the good request of a batch with bad ones is answered as usual
            assertEquals(
                    200,
                    post(s, "/v1/models/tiny:predict", "image/png", png(4, 4)).statusCode());
            // the body limit is the router's, before any handler: it is not a prediction request
            String metrics = get(s, "/metrics").body();
            assertTrue(metrics.contains("keel_serve_errors_total{model=\"tiny\"} 6"), metrics);
        }
    }

    @Test
    void unknownModelOrAliasFailsToStartNamingTheFix() {
        KeelException noModel = assertThrows(KeelException.class, () -> start(ServeOptions.of("nope@production")));
        assertTrue(noModel.getMessage().startsWith("no model named 'nope'"), noModel.getMessage());
        KeelException noAlias = assertThrows(KeelException.class, () -> start(ServeOptions.of("tiny@staging")));
        assertTrue(noAlias.getMessage().contains("has no alias 'staging'"), noAlias.getMessage());
        KeelException malformed = assertThrows(KeelException.class, () -> start(ServeOptions.of("tiny@Prod")));
        assertTrue(malformed.getMessage().contains("is not an alias"), malformed.getMessage());
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutKeysAndChecksKeys() throws Exception {
        KeelException open = assertThrows(
                KeelException.class,
                () -> start(ServeOptions.of("tiny@production").listen("0.0.0.0", 0)));
        assertTrue(open.getMessage().contains("would let anyone on the network use the model"), open.getMessage());
        try (ModelServer s = start(ServeOptions.of("tiny@production").apiKeys(List.of("s3cret")))) {
            assertEquals(
                    401,
                    post(s, "/v1/models/tiny:predict", "image/png", png(4, 4)).statusCode());
            assertEquals(200, get(s, "/healthz").statusCode());
            HttpResponse<String> wrong = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/models/tiny"))
                            .header("Authorization", "Bearer nope")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode());
            HttpResponse<String> right = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/models/tiny:predict"))
                            .header("Authorization", "Bearer s3cret")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[16]))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, right.statusCode(), right.body());
            HttpResponse<String> foreign = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/models/tiny:predict"))
                            .header("Authorization", "Bearer s3cret")
                            .header("Origin", "http://evil.example")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[16]))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, foreign.statusCode(), foreign.body());
        }
    }
}
