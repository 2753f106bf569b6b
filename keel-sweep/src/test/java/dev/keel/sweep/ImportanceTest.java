package dev.keel.sweep;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportanceTest {

    private static Importance find(List<Importance> all, String name) {
        return all.stream().filter(i -> i.parameter().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theForestRanksTheDrivingParameterAboveNoise() {
        SplittableRandom random = new SplittableRandom(1);
        List<Map<String, Object>> params = new ArrayList<>();
        List<Double> metric = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            double lr = Math.pow(10, random.nextDouble(-5, -1));
            Map<String, Object> p = new HashMap<>();
            p.put("optimizer.lr", lr);
            p.put("hidden", (long) random.nextInt(32, 257));
            p.put("dropout", random.nextDouble(0, 0.5));
            p.put("kind", List.of("a", "b", "c").get(random.nextInt(3)));
            p.put("epochs", 10L);
            params.add(p);
            // A valley in log(lr): not a straight line, so only the forest sees it fully.
            double d = Math.log10(lr) + 3;
            metric.add(d * d + 0.05 * random.nextDouble());
        }
        List<Importance> all = Importance.of(params, metric);
        assertEquals("optimizer.lr", all.get(0).parameter(), all.toString());
        assertTrue(all.get(0).importance() > 0.6, all.toString());
        for (String noise : List.of("hidden", "dropout", "kind")) {
            assertTrue(find(all, noise).importance() < 0.15, all.toString());
            assertTrue(Math.abs(find(all, noise).correlation()) < 0.3, all.toString());
        }
        assertEquals(1.0, all.stream().mapToDouble(Importance::importance).sum(), 1e-9);
        assertTrue(all.stream().noneMatch(i -> i.parameter().equals("epochs")), "a fixed parameter explains nothing");
        assertEquals(all, Importance.of(params, metric), "seeded");
    }

    @Test
    void correlationHasTheSignOfTheEffectAndCategoriesTheirRatio() {
        List<Map<String, Object>> params = new ArrayList<>();
        List<Double> metric = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String kind = i % 2 == 0 ? "good" : "bad";
            params.add(Map.of("width", (long) i, "kind", kind, "shuffle", i % 3 == 0));
            metric.add(-i + (kind.equals("good") ? 0.0 : 100.0));
        }
        metric.add(null);
        params.add(Map.of("width", 1000L, "kind", "good", "shuffle", true));
        List<Importance> all = Importance.of(params, metric);
        assertEquals("kind", all.get(0).parameter(), all.toString());
        assertTrue(find(all, "kind").correlation() > 0.9, all.toString());
        assertTrue(find(all, "width").correlation() < -0.1, all.toString());
    }

    @Test
    void pearsonIsExact() {
        assertEquals(1.0, Importance.pearson(new double[] {1, 2, 3}, new double[] {2, 4, 6}), 1e-12);
        assertEquals(-1.0, Importance.pearson(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
        assertEquals(0.0, Importance.pearson(new double[] {1, 1, 1}, new double[] {3, 2, 1}), 1e-12);
    }

    @Test
    void nothingToSayWithoutRowsOrVariation() {
        assertEquals(List.of(), Importance.of(List.of(), List.of()));
        assertEquals(List.of(), Importance.of(List.of(Map.of("a", 1L)), List.of(1.0)));
        assertThrows(IllegalArgumentException.class, () -> Importance.of(List.of(Map.of("a", 1L)), Arrays.asList()));
    }
}
