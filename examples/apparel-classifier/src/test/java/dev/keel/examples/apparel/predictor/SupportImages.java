package dev.keel.examples.apparel.predictor;

import dev.keel.examples.apparel.datasets.FashionMnistDataset;
import dev.keel.examples.apparel.datasets.ImageSet;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Regenerates {@code src/test/resources/support/}: for each class, the first 3 test-set images
 * (in file order) that the production model classifies correctly, as 28×28 PNGs named by label
 * ({@code ankle-boot_1.png}). Run it after promoting new weights:
 * {@code java -cp target/test-classes:target/classes:... dev.keel.examples.apparel.predictor.SupportImages}.
 *
 * <p>Choosing correctly classified images makes {@code ApparelPredictorTest} a regression test
 * of the promoted weights and the decode → preprocess → predict path, not a measure of accuracy
 * (which RunExperiment reports on all 10,000 test images).
 */
public final class SupportImages {
    static final int PER_CLASS = 3;

    private SupportImages() {}

    static String slug(String className) {
        return className.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/support");
        Files.createDirectories(out);
        FashionMnistDataset data = FashionMnistDataset.open(null);
        ImageSet test = data.test();
        int[] found = new int[10];
        try (ApparelPredictor predictor = ApparelPredictor.load()) {
            for (int i = 0; i < test.size(); i++) {
                int label = test.label(i);
                if (found[label] == PER_CLASS) {
                    continue;
                }
                byte[] pixels = test.image(i);
                if (predictor.predict(pixels).classIndex() != label) {
                    continue;
                }
                BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                img.getRaster().setDataElements(0, 0, 28, 28, pixels);
                found[label]++;
                ImageIO.write(
                        img,
                        "png",
                        out.resolve(slug(data.classNames().get(label)) + "_" + found[label] + ".png")
                                .toFile());
            }
        }
        System.out.println("wrote " + PER_CLASS * 10 + " images to " + out);
    }
}
