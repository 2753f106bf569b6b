package dev.keel.cli.sweep;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {
    @Test
    void readsTheUnitsOptionsTake() {
        assertEquals(500, Durations.millis("500ms", "--grace"));
        assertEquals(2_000, Durations.millis("2s", "--grace"));
        assertEquals(1_500, Durations.millis("1.5", "--grace"));
        assertEquals(1_800_000, Durations.millis("30m", "--grace"));
        assertEquals(7_200_000, Durations.millis("2h", "--grace"));
        KeelException e = assertThrows(KeelException.class, () -> Durations.millis("soon", "--stale-after"));
        assertEquals("--stale-after: 'soon' is not a duration: write e.g. 500ms, 30s, 10m or 2h", e.getMessage());
    }
}
