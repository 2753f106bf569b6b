package dev.keel.core;

import com.fasterxml.jackson.core.StreamReadFeature;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link JsonText} reads and writes exactly as {@link Json} (Jackson) does, or declines. */
class JsonTextTest {
    private static final String[] STRINGS = {
        "",
        "adam",
        "a \"quoted\" \\ back\\slash",
        "tab\tnew\nline\rcr\bbs\fff",
        "\u0001\u001f\u007f",
        "ünïcødé ✓ 𝄞",
        "NaN",
        "Infinity",
        "-Infinity",
        "/slash/",
        "\u2028"
    };

    @Test
    void prettyWritesWhatJacksonsDefaultPrinterWrites() {
        Random random = new Random(19);
        for (int n = 0; n < 2_000; n++) {
            Object tree = tree(random, 0);
            assertEquals(Json.writePretty(tree), JsonText.pretty(tree), String.valueOf(tree));
        }
        Map<String, Object> empty = new LinkedHashMap<>();
        empty.put("m", Map.of());
        empty.put("l", List.of());
        empty.put("nested", List.of(Map.of(), List.of(), Map.of("a", List.of(Map.of("b", 1)))));
        assertEquals(Json.writePretty(empty), JsonText.pretty(empty));
        assertEquals(Json.writePretty(List.of()), JsonText.pretty(List.of()));
    }

    @Test
    void parseTypesValuesAsTheStoresJacksonReaderDoes() throws Exception {
        var reader = Json.MAPPER.readerFor(LinkedHashMap.class).with(StreamReadFeature.USE_FAST_DOUBLE_PARSER);
        Random random = new Random(7);
        for (int n = 0; n < 2_000; n++) {
            Map<String, Object> tree = new LinkedHashMap<>();
            tree.put("v", tree(random, 0));
            for (String text : List.of(Json.write(tree), Json.writePretty(tree))) {
                Object jackson;
                try {
                    jackson = reader.readValue(text);
                } catch (IOException e) {
                    assertNull(JsonText.parse(text), "refused by Jackson (" + e.getMessage() + "): " + text);
                    continue;
                }
                Object plain = JsonText.parse(text);
                assertEquals(jackson, plain, text);
                assertEquals(types(jackson), types(plain), text);
            }
        }
        for (String text : List.of(
                "{\"a\":-0,\"b\":-0.0,\"c\":1e400,\"d\":1E-7,\"e\":9223372036854775807,\"f\":922337203685477580,"
                        + "\"g\":-9223372036854775808,\"i\":0.1e+2}",
                " { \"k\" : [ 1 , { } , [ ] , \"\\u00e9\\ud834\\udd1e\\/\" ] } ",
                "{\"dup\":1,\"dup\":2}")) {
            Object jackson = reader.readValue(text);
            assertEquals(jackson, JsonText.parse(text), text);
            assertEquals(types(jackson), types(JsonText.parse(text)), text);
        }
    }

    @Test
    void whatItDoesNotHandleAsJacksonDoesIsDeclined() {
        for (String text : List.of(
                "",
                "{",
                "{\"a\":}",
                "{\"a\":01}",
                "{\"a\":1.}",
                "{\"a\":.5}",
                "{\"a\":NaN}",
                "{'a':1}",
                "{\"a\":1}x",
                "{\"a\":\"\\x\"}",
                "{\"a\":\"tab\there\"}",
                "[1,]",
                "{\"a\":1,}",
                "tru",
                "{\"n\":" + "1".repeat(1001) + "}",
                "{\"beyond a long\":9223372036854775808}",
                "{\"" + "k".repeat(50_001) + "\":1}")) {
            assertNull(JsonText.parse(text), text);
        }
        assertNull(JsonText.pretty(Map.of("set", Set.of(1))));
        assertNull(JsonText.pretty(Map.of(1, "not a string key")));
        assertNull(JsonText.pretty(List.of(new Object())));
        assertNull(JsonText.pretty(Map.of("lone", "half \uDE00 of a pair")));
    }

    /** A random tree of what Keel stores: maps, lists, strings, numbers of every kind, booleans, null. */
    private static Object tree(Random r, int depth) {
        int kind = depth > 3 ? 2 + r.nextInt(10) : r.nextInt(12);
        switch (kind) {
            case 0 -> {
                Map<String, Object> m = new LinkedHashMap<>();
                int size = r.nextInt(4);
                for (int k = 0; k < size; k++) {
                    m.put(STRINGS[r.nextInt(STRINGS.length)] + k, tree(r, depth + 1));
                }
                return m;
            }
            case 1 -> {
                List<Object> l = new ArrayList<>();
                int size = r.nextInt(4);
                for (int k = 0; k < size; k++) {
                    l.add(tree(r, depth + 1));
                }
                return l;
            }
            case 2 -> {
                return STRINGS[r.nextInt(STRINGS.length)];
            }
            case 3 -> {
                return r.nextLong() >> r.nextInt(64);
            }
            case 4 -> {
                return r.nextInt(1000) - 500;
            }
            case 5 -> {
                double[] special = {
                    0.0,
                    -0.0,
                    1e-7,
                    1e21,
                    123.456,
                    Double.MIN_VALUE,
                    Double.MAX_VALUE,
                    Double.NaN,
                    Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    0.1 + 0.2
                };
                return r.nextBoolean()
                        ? special[r.nextInt(special.length)]
                        : r.nextGaussian() * Math.pow(10, r.nextInt(30) - 15);
            }
            case 6 -> {
                return r.nextFloat() * 100 - 50;
            }
            case 7 -> {
                return r.nextBoolean();
            }
            case 8 -> {
                return null;
            }
            case 9 -> {
                return new BigInteger(80, r).negate();
            }
            case 10 -> {
                return new BigDecimal("12345.678900");
            }
            default -> {
                return (long) r.nextInt();
            }
        }
    }

    /** The tree's shape with each leaf's class, so that 1 (Long) and 1.0 (Double) differ. */
    private static Object types(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, types(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(JsonTextTest::types).toList();
        }
        return v == null ? "null" : v.getClass().getSimpleName();
    }
}
