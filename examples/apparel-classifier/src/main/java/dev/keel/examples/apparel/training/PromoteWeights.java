package dev.keel.examples.apparel.training;

import dev.keel.Keel;
import dev.keel.djl.DjlEnvironment;
import dev.keel.examples.apparel.models.ImageModel;
import dev.keel.examples.apparel.predictor.ApparelPredictor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Brings the production weights into {@code weights/} from the model registry:
 * {@code PromoteWeights [REF]} (default {@code apparel-classifier@production}) pulls that version
 * (from the Keel server when {@code KEEL_URL} is set, else from the Keel folder), loads the
 * weights once so a damaged version is never promoted, then replaces {@code weights/}'s files.
 * Which version is production is the registry's business:
 * {@code keel model alias apparel-classifier@production VERSION --require 'test_accuracy >= 0.88'}.
 */
public final class PromoteWeights {
    private PromoteWeights() {}

    public static void main(String[] args) throws IOException {
        if (args.length > 1) {
            System.err.println("usage: PromoteWeights [apparel-classifier@production | NAME@ALIAS | NAME:vN]");
            System.exit(2);
        }
        String ref = args.length == 1 ? args[0] : RunExperiment.MODEL + "@production";
        Path target = Path.of("weights");
        Files.createDirectories(target);
        Path staged = Files.createTempDirectory(target, ".pull-");
        try {
            String version = Keel.models().pull(ref, staged);
            Path weights = staged.resolve(ApparelPredictor.WEIGHTS);
            if (!Files.isRegularFile(weights)) {
                throw new IOException(version + " holds no " + ApparelPredictor.WEIGHTS
                        + ": register versions with ./run train (it lays them out as weights/ expects)");
            }
            DjlEnvironment.prepare(1);
            try (var model = ImageModel.load(weights)) {
                System.out.println("verified " + version + " (" + model.spec().name() + ")");
            }
            try (Stream<Path> files = Files.list(staged)) {
                for (Path f : files.toList()) {
                    Files.move(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            System.out.println("promoted " + version + " (" + ref + ") to " + target.resolve(ApparelPredictor.WEIGHTS));
        } finally {
            try (Stream<Path> left = Files.walk(staged)) {
                for (Path p : left.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
