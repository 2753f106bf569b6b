package dev.keel.examples.apparel.predictor;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The production weights classify the support images (named by label) right. */
class ApparelPredictorTest {
    static ApparelPredictor predictor;

    @BeforeAll
    static void load() throws IOException {
        predictor = ApparelPredictor.load();
    }

    @AfterAll
    static void close() {
        predictor.close();
    }

    static List<Path> supportImages() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/support"))) {
            return files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
    }

    @Test
    void loadsTheVersionAnAliasPointsAtFromTheModelRegistry(@TempDir Path home) throws IOException {
        try (Run run = Keel.init(RunOptions.builder()
                .project("apparel")
                .home(home)
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            assertEquals("apparel-classifier:v1", run.registerModel("apparel-classifier", Path.of("weights")));
        }
        KeelHome keel = new KeelHome(home);
        try (Store store = Stores.open(keel.storeLocation())) {
            new ModelRegistry(store, new LocalBlobStore(keel.blobs()), null)
                    .alias("apparel-classifier@production", "v1", null, "test");
        }
        Path image = supportImages().get(0);
        try (ApparelPredictor fromRegistry =
                ApparelPredictor.load("apparel-classifier@production", Keel.models(home))) {
            assertEquals(
                    predictor.predict(Files.readAllBytes(image)).probabilities(),
                    fromRegistry.predict(Files.readAllBytes(image)).probabilities());
        }
    }

    @Test
    void classifiesEverySupportImageRight() throws IOException {
        List<Path> images = supportImages();
        assertEquals(30, images.size(), "3 support images per class");
        for (Path image : images) {
            String label = image.getFileName().toString().replaceFirst("_\\d+\\.png$", "");
            ApparelPredictor.Prediction p = predictor.predict(Files.readAllBytes(image));
            assertEquals(label, SupportImages.slug(p.className()), image.toString());
            float sum = 0;
            for (float v : p.probabilities().values()) {
                sum += v;
            }
            assertEquals(1f, sum, 1e-4f);
            assertEquals(10, p.probabilities().size());
        }
    }

    @Test
    void acceptsLargerColourJpegsAndRawBytes() throws IOException {
        Path png = Path.of("src/test/resources/support/trouser_1.png");
        BufferedImage small = ImageIO.read(png.toFile());
        BufferedImage big = new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = big.createGraphics();
        g.drawImage(small, 0, 0, 280, 280, null);
        g.dispose();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(big, "jpeg", jpeg);
        assertEquals("Trouser", predictor.predict(jpeg.toByteArray()).className());
        byte[] raw = new byte[784];
        small.getRaster().getDataElements(0, 0, 28, 28, raw);
        assertEquals("Trouser", predictor.predict(raw).className());
    }

    @Test
    void nonImagesGetAClearError() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> predictor.predict("hello, this is not a picture".getBytes()));
        assertEquals(
                "the data is not a PNG or JPEG image (28 bytes); send a PNG or JPEG file, or exactly 784 raw grey bytes",
                e.getMessage());
        IllegalArgumentException empty =
                assertThrows(IllegalArgumentException.class, () -> predictor.predict(new byte[0]));
        assertTrue(empty.getMessage().startsWith("the image is empty"), empty.getMessage());
        byte[] brokenPng = new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        IllegalArgumentException broken =
                assertThrows(IllegalArgumentException.class, () -> predictor.predict(brokenPng));
        assertTrue(broken.getMessage().contains("send a PNG or JPEG"), broken.getMessage());
    }

    @Test
    void whiteBackgroundPhotosAreInverted() throws IOException {
        BufferedImage img = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 56, 56);
        g.setColor(Color.BLACK);
        g.fillRect(20, 4, 16, 48);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        byte[] pixels = ImageDecoding.toPixels(png.toByteArray());
        assertEquals(0, pixels[0] & 0xff, "the white border becomes black");
        assertTrue((pixels[14 * 28 + 14] & 0xff) > 200, "the dark object becomes light");
    }
}
