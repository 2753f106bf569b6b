package dev.keel.internal.config;

import dev.keel.core.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

class PlainTreeTest {
    record Layer(int units) {}

    @Test
    void aPlainTreeComesOutAsJacksonsConversionWouldMakeIt() {
        Map<String, Object> nested = new TreeMap<>(Map.of("b", (short) 2, "a", (byte) 1));
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("lr", 0.01);
        tree.put("layers", 3);
        tree.put("steps", 10_000_000_000L);
        tree.put("name", "mlp \"v2\"\n");
        tree.put("on", true);
        tree.put("none", null);
        tree.put("nan", Double.NaN);
        tree.put("optimizer", nested);
        tree.put("sizes", Arrays.asList(64, 32, null));

        Object plain = PlainTree.canonical(tree, 8);

        Object viaJackson = Json.MAPPER.convertValue(tree, Object.class);
        assertEquals(viaJackson, plain);
        Map<?, ?> m = assertInstanceOf(LinkedHashMap.class, plain);
        assertEquals(
                List.of("lr", "layers", "steps", "name", "on", "none", "nan", "optimizer", "sizes"),
                List.copyOf(m.keySet()));
        assertEquals(3L, m.get("layers"));
        assertEquals(List.of("a", "b"), List.copyOf(((Map<?, ?>) m.get("optimizer")).keySet()));
        assertEquals(1L, ((Map<?, ?>) m.get("optimizer")).get("a"));
        assertInstanceOf(ArrayList.class, m.get("sizes"));
    }

    @Test
    void anythingElseIsLeftToJackson() {
        for (Object notPlain : List.of(
                Map.of("lr", 0.1f),
                Map.of("lr", new BigDecimal("0.1")),
                Map.of(1, "a"),
                Map.of("layer", new Layer(3)),
                Map.of("sizes", new int[] {1, 2}),
                Map.of("tags", Set.of("a")),
                Map.of("deep", Map.of("deeper", Map.of("deepest", 1))))) {
            assertSame(PlainTree.NOT_PLAIN, PlainTree.canonical(notPlain, 2), notPlain.toString());
        }
    }

    @Test
    void theResolverGivesTheSameConfigEitherWay() {
        Map<String, Object> withRecord = new LinkedHashMap<>();
        withRecord.put("lr", 0.01);
        withRecord.put("layer", new Layer(3));
        Map<String, Object> plain = new LinkedHashMap<>();
        plain.put("lr", 0.01);
        plain.put("layer", Map.of("units", 3));

        assertEquals(
                ConfigResolver.resolve(List.of(withRecord), List.of()),
                ConfigResolver.resolve(List.of(plain), List.of()));
        assertEquals(Map.of("units", 3L), ConfigResolver.canonical(Map.of("units", 3), "test"));
    }
}
