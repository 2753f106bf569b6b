package dev.keel.data;

import dev.keel.core.KeelException;
import dev.keel.core.data.DatasetRef;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DatasetRefTest {
    @Test
    void parsesEveryReferenceForm() {
        assertEquals(
                new DatasetRef("fashion-mnist", DatasetRef.Kind.LATEST, "latest"), DatasetRef.parse("fashion-mnist"));
        assertEquals(
                new DatasetRef("fashion-mnist", DatasetRef.Kind.LATEST, "latest"),
                DatasetRef.parse("fashion-mnist:latest"));
        assertEquals(3, DatasetRef.parse("fashion-mnist:v3").number());
        assertEquals(new DatasetRef("f.m_n", DatasetRef.Kind.TAG, "prod"), DatasetRef.parse("f.m_n:prod"));
        assertEquals(new DatasetRef("f", DatasetRef.Kind.HASH, "3f2a9c"), DatasetRef.parse("f@3f2a9c"));
        assertEquals(new DatasetRef("f", DatasetRef.Kind.HASH, "3f2a"), DatasetRef.parse("f@sha256:3f2a"));
        assertEquals("f:v3", DatasetRef.parse("f:v3").toString());
    }

    @Test
    void refusesMalformedReferencesSayingWhatIsAllowed() {
        assertEquals(
                "invalid hash in 'f@xyz': give 4 to 64 lower-case hex digits of the version hash",
                assertThrows(KeelException.class, () -> DatasetRef.parse("f@xyz"))
                        .getMessage());
        assertEquals(
                "invalid dataset name 'Fashion': use 1-64 characters a-z, 0-9, '.', '_' or '-', starting with a"
                        + " letter or digit (e.g. fashion-mnist)",
                assertThrows(KeelException.class, () -> DatasetRef.parse("Fashion:v1"))
                        .getMessage());
        assertThrows(KeelException.class, () -> DatasetRef.parse("f:"));
        assertThrows(KeelException.class, () -> DatasetRef.parse("f:v99999999999"));
        assertThrows(KeelException.class, () -> DatasetRef.parse(""));
    }
}
