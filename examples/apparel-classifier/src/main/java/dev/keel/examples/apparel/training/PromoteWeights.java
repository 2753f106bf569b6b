package dev.keel.examples.apparel.training;

import dev.keel.djl.DjlEnvironment;
import dev.keel.examples.apparel.models.ImageModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Promotes the weights of a finished experiment to production:
 * {@code PromoteWeights artifacts/RUN_ID} copies that run's weights file and its
 * {@code summary.json} into {@code weights/}, where {@code ApparelPredictor} loads them. The
 * weights are loaded once first, so a damaged file is never promoted.
 */
public final class PromoteWeights {
    private PromoteWeights() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: PromoteWeights artifacts/RUN_ID");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Path weights;
        try (var files = Files.list(dir)) {
            weights = files.filter(p -> p.getFileName().toString().endsWith("_weights.bin"))
                    .findFirst()
                    .orElseThrow(() -> new IOException(dir + " holds no *_weights.bin file"));
        }
        DjlEnvironment.prepare(1);
        try (var model = ImageModel.load(weights)) {
            System.out.println("verified " + weights + " (" + model.spec().name() + ")");
        }
        Path target = Path.of("weights");
        Files.createDirectories(target);
        Files.copy(
                weights,
                target.resolve("ImageModel_FashionMnistDataset_weights.bin"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("summary.json"), target.resolve("summary.json"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("promoted to " + target.resolve("ImageModel_FashionMnistDataset_weights.bin"));
    }
}
