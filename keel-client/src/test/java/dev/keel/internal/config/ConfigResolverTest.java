package dev.keel.internal.config;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigResolverTest {
    @TempDir
    Path dir;

    record Optimizer(String name, double lr) {}

    record TrainConfig(int epochs, List<Integer> layers, Optimizer optimizer) {}

    /** A plain bean, read through its getters. */
    public static class Bean {
        public int getBatchSize() {
            return 32;
        }

        public boolean isShuffle() {
            return true;
        }
    }

    private static Map<String, Object> resolve(List<Object> sources, String... overrides) {
        return ConfigResolver.resolve(sources, Arrays.asList(overrides));
    }

    @Test
    void aRecordBecomesCanonicalNestedMaps() {
        Map<String, Object> c = resolve(List.of(new TrainConfig(3, List.of(64, 32), new Optimizer("adam", 1e-3))));
        assertEquals(
                Map.of("epochs", 3L, "layers", List.of(64L, 32L), "optimizer", Map.of("name", "adam", "lr", 0.001)), c);
    }

    @Test
    void aBeanIsReadThroughItsGetters() {
        assertEquals(Map.of("batchSize", 32L, "shuffle", true), resolve(List.of(new Bean())));
    }

    @Test
    void sourcesMergeInOrderNestedMapsRecursivelyThenOverridesApply() throws IOException {
        Path yaml = dir.resolve("mlp.yaml");
        Files.writeString(yaml, "epochs: 10\noptimizer:\n  name: sgd\n  momentum: 0.9\ntags: [a, b]\n");
        Map<String, Object> c = resolve(
                List.of(Map.of("epochs", 5, "optimizer", Map.of("lr", 0.1)), yaml),
                "epochs=3",
                "optimizer.lr=1e-3",
                "name=abc",
                "model.depth=4",
                "amp=true",
                "ratio=.5");
        assertEquals(3L, c.get("epochs"));
        assertEquals(Map.of("lr", 0.001, "name", "sgd", "momentum", 0.9), c.get("optimizer"));
        assertEquals("abc", c.get("name"));
        assertEquals(Map.of("depth", 4L), c.get("model"));
        assertEquals(true, c.get("amp"));
        assertEquals(0.5, c.get("ratio"));
        assertEquals(List.of("a", "b"), c.get("tags"));
    }

    @Test
    void anyJsonLikeShapeComesOutCanonical() {
        Map<String, Object> in = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        list.add(1);
        list.add(null);
        list.add(List.of(Map.of("deep", 2.5f)));
        in.put("list", list);
        in.put("nan", Double.NaN);
        in.put("big", Long.MAX_VALUE);
        in.put("text", "ünïcode ✓");
        in.put("nothing", null);
        Map<String, Object> c = resolve(List.of(in));
        List<Object> expectedList = new ArrayList<>();
        expectedList.add(1L);
        expectedList.add(null);
        expectedList.add(List.of(Map.of("deep", 2.5)));
        assertEquals(expectedList, c.get("list"));
        assertTrue(Double.isNaN((Double) c.get("nan")));
        assertEquals(Long.MAX_VALUE, c.get("big"));
        assertEquals("ünïcode ✓", c.get("text"));
        assertTrue(c.containsKey("nothing"));
    }

    @Test
    void badYamlNamesTheFileAndLine() throws IOException {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "epochs: 3\noptimizer:\n  lr: [0.1\n  name: x\n");
        KeelException e = assertThrows(KeelException.class, () -> resolve(List.of(yaml)));
        assertTrue(e.getMessage().startsWith("config file " + yaml + " is not valid YAML at line "), e.getMessage());
    }

    @Test
    void aYamlFileThatIsAListIsRejectedClearly() throws IOException {
        Path yaml = dir.resolve("list.yaml");
        Files.writeString(yaml, "- 1\n- 2\n");
        KeelException e = assertThrows(KeelException.class, () -> resolve(List.of(yaml)));
        assertEquals(
                "config file " + yaml + " must hold a YAML mapping (key: value lines) at the top, not a list",
                e.getMessage());
    }

    @Test
    void aMissingYamlFileIsNamed() {
        Path yaml = dir.resolve("absent.yaml");
        KeelException e = assertThrows(KeelException.class, () -> resolve(List.of(yaml)));
        assertTrue(e.getMessage().contains(yaml.toString()) && e.getMessage().contains("does not exist"));
    }

    @Test
    void anUnknownSourceTypeIsRejectedWithTheFix() {
        KeelException e = assertThrows(KeelException.class, () -> resolve(List.of("mlp.yaml")));
        assertEquals(
                "config source #1 is a java.lang.String, which has no keys: pass a Map, a POJO or record, "
                        + "or a YAML file Path (use configFile(Path.of(\"…\")) for a file)",
                e.getMessage());
        KeelException list = assertThrows(KeelException.class, () -> resolve(List.of(Map.of(), List.of(1))));
        assertTrue(list.getMessage().startsWith("config source #2 is a "), list.getMessage());
    }

    @Test
    void badOverridesAreNamed() {
        KeelException noEquals = assertThrows(KeelException.class, () -> resolve(List.of(), "epochs"));
        assertEquals(
                "config override 'epochs' is not key=value: write it as e.g. epochs=3 or optimizer.lr=0.001",
                noEquals.getMessage());
        KeelException emptyPart = assertThrows(KeelException.class, () -> resolve(List.of(), "a..b=1"));
        assertTrue(emptyPart.getMessage().startsWith("config override 'a..b=1' has an empty part"));
        KeelException intoValue =
                assertThrows(KeelException.class, () -> resolve(List.of(Map.of("epochs", 3)), "epochs.max=4"));
        assertEquals(
                "config override 'epochs.max=4' reaches into 'epochs', which is a value (3), not a section",
                intoValue.getMessage());
        KeelException badScalar = assertThrows(KeelException.class, () -> resolve(List.of(), "x=[1, 2"));
        assertTrue(badScalar.getMessage().startsWith("config override 'x=[1, 2' has a value that is not a YAML"));
    }
}
