package dev.keel.examples.apparel.training;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentConfigTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheCommittedExperimentsAndAppliesOverrides() {
        ExperimentConfig mlp = ExperimentConfig.load(
                Path.of("training/experiments/mlp.yaml"), List.of("epochs=3", "layers=[64, 32]", "learning_rate=0.01"));
        assertEquals("mlp", mlp.network());
        assertEquals(3, mlp.epochs());
        assertEquals(List.of(64, 32), mlp.layers());
        assertEquals(0.01, mlp.learningRate());
        ExperimentConfig cnn = ExperimentConfig.load(Path.of("training/experiments/cnn.yaml"), List.of());
        assertEquals("cnn", cnn.network());
        assertEquals(List.of(32, 64, 128), cnn.layers());
    }

    @Test
    void unknownKeyIsNamedWithItsSource() throws IOException {
        Path yaml = Files.writeString(tmp.resolve("x.yaml"), "network: mlp\nepoch: 3\n");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.load(yaml, List.of()));
        assertTrue(
                e.getMessage().startsWith("unknown key 'epoch' in " + yaml + "; known keys: network, layers,"),
                e.getMessage());
        IllegalArgumentException o =
                assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.load(null, List.of("lr=0.1")));
        assertTrue(o.getMessage().startsWith("unknown key 'lr' in command line"), o.getMessage());
    }

    @Test
    void wrongTypeIsNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.load(null, List.of("epochs=many")));
        assertEquals("key 'epochs' in command line must be a whole number, got a string 'many'", e.getMessage());
        IllegalArgumentException l =
                assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.load(null, List.of("layers=wide")));
        assertTrue(
                l.getMessage().startsWith("key 'layers' in command line must be a list of whole numbers"),
                l.getMessage());
        IllegalArgumentException n =
                assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.load(null, List.of("network=rnn")));
        assertEquals("network must be mlp or cnn, got 'rnn'", n.getMessage());
        IllegalArgumentException f =
                assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.load(null, List.of("epochs")));
        assertTrue(f.getMessage().contains("must look like key=value"), f.getMessage());
    }
}
