package dev.keel.core.model;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModelGateTest {
    private static ModelVersion version(Map<String, Double> metrics) {
        return new ModelVersion(
                "apparel",
                2,
                List.of(new ModelFile("m.ckpt", "sha256:" + "0".repeat(64), 1)),
                new Lineage("run00001", List.of(), "", Map.of(), metrics),
                "",
                Map.of(),
                "",
                "",
                0);
    }

    private static String refusal(String gate, Map<String, Double> metrics) {
        return assertThrows(KeelException.class, () -> ModelGate.parse(gate).check(version(metrics)))
                .getMessage();
    }

    @Test
    void aGateThatHoldsLetsTheVersionThrough() {
        ModelGate.parse("test_accuracy >= 0.88 and (val_loss < 0.4 or val_loss < 0.5)")
                .check(version(Map.of("test_accuracy", 0.9, "val_loss", 0.45)));
    }

    @Test
    void aRefusalNamesEveryFailingValue() {
        assertEquals(
                "refused: apparel:v2 has test_accuracy = 0.85, no metric val_loss, the gate needs test_accuracy >= 0.88"
                        + " and val_loss < 0.4",
                refusal("test_accuracy >= 0.88 and val_loss < 0.4", Map.of("test_accuracy", 0.85)));
        assertEquals(
                "refused: apparel:v2 has test_accuracy = NaN, the gate needs test_accuracy > 0",
                refusal("test_accuracy > 0", Map.of("test_accuracy", Double.NaN)));
    }

    @Test
    void onlyNumericComparisonsOfMetricsAreGates() {
        KeelException e = assertThrows(KeelException.class, () -> ModelGate.parse("state = finished"));
        assertEquals(
                "a gate compares the version's metrics with numbers, e.g. 'test_accuracy >= 0.88'; it cannot use"
                        + " state = finished",
                e.getMessage());
    }

    @Test
    void refsParseIntoTheirThreeForms() {
        assertEquals(new ModelRef("apparel", 3, null), ModelRef.parse("apparel:v3"));
        assertEquals(new ModelRef("apparel", 0, "production"), ModelRef.parse("apparel@production"));
        assertEquals(new ModelRef("apparel", 0, null), ModelRef.parse("apparel@latest"));
        assertEquals(
                "'a:v1@prod' names both a version and an alias: use NAME:vN (a version), NAME@ALIAS (e.g."
                        + " NAME@production) or NAME (the latest)",
                assertThrows(KeelException.class, () -> ModelRef.parse("a:v1@prod"))
                        .getMessage());
    }
}
