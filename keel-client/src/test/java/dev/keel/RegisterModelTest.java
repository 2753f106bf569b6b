package dev.keel;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Run#registerModel} and {@link Keel#models()} as a training program and a predictor use them. */
class RegisterModelTest {
    @TempDir
    Path dir;

    private Run run(Path keel) {
        return Keel.init(RunOptions.builder()
                .project("shop")
                .home(keel)
                .systemMetrics(false)
                .captureConsole(false)
                .build());
    }

    @Test
    void aRegisteredFileComesBackFromThePredictorsSide() throws IOException {
        Path keel = dir.resolve(".keel");
        Path weights = Files.write(dir.resolve("model.params"), new byte[] {1, 2, 3, 4});
        try (Run run = run(keel)) {
            run.summary().put("test_accuracy", 0.89);
            assertEquals("apparel:v1", run.registerModel("apparel", weights));
            Files.write(weights, new byte[] {5, 6});
            assertEquals("apparel:v2", run.registerModel("apparel", weights));
        }
        Path out = dir.resolve("out");
        assertEquals("apparel:v2", Keel.models(keel).pull("apparel", out));
        assertArrayEquals(new byte[] {5, 6}, Files.readAllBytes(out.resolve("model.params")));
        assertEquals("apparel:v1", Keel.models(keel).pull("apparel:v1", dir.resolve("v1")));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(dir.resolve("v1/model.params")));
    }

    @Test
    void aFolderIsRegisteredWithItsLayout() throws IOException {
        Path keel = dir.resolve(".keel");
        Path model = Files.createDirectories(dir.resolve("model/sub"));
        Files.writeString(dir.resolve("model/config.json"), "{}");
        Files.writeString(model.resolve("w.bin"), "weights");
        try (Run run = run(keel)) {
            assertEquals("folder:v1", run.registerModel("folder", dir.resolve("model")));
        }
        Keel.models(keel).pull("folder", dir.resolve("out"));
        assertEquals("weights", Files.readString(dir.resolve("out/sub/w.bin")));
        assertEquals("{}", Files.readString(dir.resolve("out/config.json")));
    }

    @Test
    void badNamesAndRefsSayWhatIsWrong() {
        Path keel = dir.resolve(".keel");
        try (Run run = run(keel)) {
            KeelException bad = assertThrows(KeelException.class, () -> run.registerModel("no/slash", dir));
            assertTrue(bad.getMessage().startsWith("'no/slash' does not start with a model name"), bad.getMessage());
            run.log(Map.of("loss", 1.0));
        }
        KeelException missing =
                assertThrows(KeelException.class, () -> Keel.models(keel).pull("apparel@production", dir));
        assertTrue(missing.getMessage().startsWith("no model named 'apparel'"), missing.getMessage());
    }
}
