package dev.keel.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteSizesTest {
    @Test
    void binaryUnitsWithOneDecimal() {
        assertEquals("0 B", ByteSizes.iec(0));
        assertEquals("1023 B", ByteSizes.iec(1023));
        assertEquals("1.0 KiB", ByteSizes.iec(1024));
        assertEquals("1.5 KiB", ByteSizes.iec(1536));
        assertEquals("52.4 MiB", ByteSizes.iec(54_945_587));
        assertEquals("1.0 MiB", ByteSizes.iec(1_048_575));
        assertEquals("10.0 GiB", ByteSizes.iec(10L << 30));
        assertEquals("2.0 TiB", ByteSizes.iec(2L << 40));
        assertEquals("-1.5 KiB", ByteSizes.iec(-1536));
    }
}
