package dev.keel.internal.run;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReproduceSettingsTest {
    @Test
    void withoutTheVariablesNothingStopsAndEveryReferenceIsKept() {
        ReproduceSettings s = ReproduceSettings.read(name -> null);
        assertFalse(s.stopsAt(Long.MAX_VALUE - 1));
        assertEquals("mnist:latest", s.pin("mnist:latest"));
    }

    @Test
    void aPinnedDatasetIsUsedAtItsRecordedVersionWhateverTheReference() {
        Map<String, String> env = Map.of("KEEL_REPRODUCE_DATASETS", "mnist:v3, other:v1", "KEEL_REPRODUCE_STEPS", "5");
        ReproduceSettings s = ReproduceSettings.read(env::get);
        assertEquals("mnist:v3", s.pin("mnist:latest"));
        assertEquals("mnist:v3", s.pin("mnist@ab12"));
        assertEquals("mnist:v3", s.pin("mnist:prod"));
        assertEquals("cifar:latest", s.pin("cifar:latest"));
        assertFalse(s.stopsAt(4));
        assertTrue(s.stopsAt(5));
    }

    @Test
    void aValueOfTheWrongShapeIsRefusedNamingTheVariable() {
        KeelException e = assertThrows(
                KeelException.class, () -> ReproduceSettings.read(Map.of("KEEL_REPRODUCE_STEPS", "ten")::get));
        assertEquals(
                "KEEL_REPRODUCE_STEPS='ten' is not a step number (0 or more); it is set by 'keel reproduce --steps N':"
                        + " unset it to run the program in full",
                e.getMessage());
        KeelException d = assertThrows(
                KeelException.class, () -> ReproduceSettings.read(Map.of("KEEL_REPRODUCE_DATASETS", "mnist")::get));
        assertTrue(d.getMessage().startsWith("KEEL_REPRODUCE_DATASETS='mnist': 'mnist' is not a dataset version"));
    }
}
