package dev.keel.sweep;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OverridesTest {

    @Test
    void argsAreSortedByKeyAndTyped() {
        assertEquals(
                List.of("dropout=0.25", "hidden=64", "optimizer.kind=adam", "optimizer.lr=1.0E-4", "shuffle=true"),
                Overrides.args(Map.of(
                        "optimizer.lr",
                        1e-4,
                        "hidden",
                        64L,
                        "dropout",
                        0.25,
                        "optimizer.kind",
                        "adam",
                        "shuffle",
                        true)));
        assertEquals("a=1 b=2.0", Overrides.line(Map.of("b", 2.0, "a", 1L)));
    }

    @Test
    void doublesReadBackExactly() {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            double v = Math.exp(random.nextDouble(-30, 30)) * (random.nextBoolean() ? 1 : -1);
            String arg = Overrides.args(Map.of("x", v)).get(0);
            assertEquals(v, Double.parseDouble(arg.substring(2)), arg);
        }
        assertEquals(List.of("x=0.1"), Overrides.args(Map.of("x", 0.1)));
    }
}
