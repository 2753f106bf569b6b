package dev.keel.examples.apparel.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.djl.DjlEnvironment;
import dev.keel.examples.apparel.datasets.ImageSet;
import dev.keel.examples.apparel.models.ImageModel;
import dev.keel.serve.ModelServer;
import dev.keel.serve.ServeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production weights written as a serving package, registered, aliased and served by
 * {@code keel serve}'s server: every support image is classified as its name says, and the
 * upload page is served beside the API.
 */
class ServingPackageTest {
    @TempDir
    Path tmp;

    @Test
    void theProductionModelServedFromTheRegistryClassifiesTheSupportImages() throws Exception {
        DjlEnvironment.prepare(1);
        Path home = tmp.resolve("keel");
        KeelHome h = new KeelHome(home).ensureExists();
        List<Path> images;
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/support"))) {
            images = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        String version;
        try (ImageModel model = ImageModel.load(Path.of("weights/ImageModel_FashionMnistDataset_weights.bin"));
                Run run = Keel.init(RunOptions.builder()
                        .home(home)
                        .project("apparel-classifier")
                        .systemMetrics(false)
                        .captureConsole(false)
                        .build())) {
            ImageSet train = new ImageSet(new byte[28 * 28 * 2], new byte[] {0, 7}, 28, 28);
            Path dir = ServingPackage.write(model, train, "fashion-mnist:v1", tmp.resolve("serving"));
            assertTrue(Files.isRegularFile(dir.resolve("libs/apparel-networks.jar")));
            version = run.registerModel("apparel-classifier", dir);
        }
        assertEquals("apparel-classifier:v1", version);
        try (Store store = Stores.open(h.storeLocation());
                DatasetStore datasets = DatasetStores.open(h.storeLocation())) {
            ModelRegistry registry = new ModelRegistry(store, new LocalBlobStore(h.blobs()), datasets);
            registry.alias("apparel-classifier@production", "1", null, "test");
            Path web = Path.of("src/main/resources/dev/keel/examples/apparel/web");
            try (ModelServer server = ModelServer.start(
                    registry,
                    ServeOptions.of("apparel-classifier@production").port(0).webDir(web),
                    null)) {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + server.port();
                ObjectMapper json = new ObjectMapper();
                int right = 0;
                for (Path image : images) {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create(base + "/v1/models/apparel-classifier:predict"))
                                    .header("Content-Type", "image/png")
                                    .POST(HttpRequest.BodyPublishers.ofFile(image))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), r.body());
                    Map<?, ?> answer = json.readValue(r.body(), Map.class);
                    String expected = image.getFileName().toString().replaceAll("_\\d+\\.png$", "");
                    if (slug(String.valueOf(answer.get("class"))).equals(expected)) {
                        right++;
                    }
                }
                assertEquals(images.size(), right, "support images classified right");
                HttpResponse<String> page = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode());
                assertTrue(page.body().contains("<script src=\"page.js\">"), page.body());
            }
        }
    }

    private static String slug(String className) {
        return className.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }
}
