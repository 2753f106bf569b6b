package {{package}}.training;

import {{package}}.datasets.BlobsDataset;
import {{package}}.predictor.Predictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short tracked training of the default experiment, recorded in a throwaway .keel folder. */
class RunExperimentTest {
    @TempDir
    Path dir;

    @Test
    void trainingIsTrackedLearnsTheBlobsAndThePredictorLoadsItsWeights() throws Exception {
        Path home = dir.resolve(".keel");
        RunExperiment.Outcome o = RunExperiment.run(Path.of("training/experiments/default.yaml"),
                List.of("epochs=4", "samples=600"), home, dir.resolve("artifacts"));

        assertTrue(o.valAccuracy() > 0.9, "val_accuracy " + o.valAccuracy());
        assertTrue(Files.isRegularFile(home.resolve("keel.db")), "the run is recorded in " + home);
        assertTrue(Files.isDirectory(home.resolve("runs").resolve(o.runId())), "run folder of " + o.runId());
        try (Predictor predictor = Predictor.load(o.weights())) {
            for (int label = 0; label < BlobsDataset.CLASS_NAMES.size(); label++) {
                Predictor.Prediction p = predictor.predict(BlobsDataset.center(label));
                assertEquals(BlobsDataset.CLASS_NAMES.get(label), p.className());
                assertEquals(1.0, p.probabilities()[0] + p.probabilities()[1] + p.probabilities()[2], 1e-4);
            }
        }
    }
}
