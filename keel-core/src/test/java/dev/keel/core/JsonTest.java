package dev.keel.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class JsonTest {
    @Test
    void nonFiniteNamesReadBackAsTheDoublesTheyNamed() {
        for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertEquals(d, Json.nonFiniteValue(Json.nonFiniteName(d)));
        }
    }

    @Test
    void otherStringsNameNoNumber() {
        for (String s : List.of("nan", "+Infinity", "inf", "", "1.5", " NaN")) {
            assertNull(Json.nonFiniteValue(s), s);
        }
    }
}
