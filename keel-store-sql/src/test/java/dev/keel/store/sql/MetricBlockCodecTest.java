package dev.keel.store.sql;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricBlockCodecTest {

    private static int[] all(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }

    @Test
    void roundTripsExtremeStepsTimestampsAndValueBits() {
        long[] steps = {0, Long.MAX_VALUE, Long.MIN_VALUE, -1, 5, 5, 4};
        long[] ts = {1_700_000_000_000L, 0, -5, Long.MAX_VALUE, Long.MIN_VALUE, 1, 1};
        double[] values = {
            Double.NaN,
            Double.longBitsToDouble(0x7ff0_0000_0000_0abcL),
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            -0.0,
            Double.MIN_VALUE,
            3.25
        };
        byte[] block = MetricBlockCodec.encode(steps, ts, values, all(7), 7);
        assertEquals(7, MetricBlockCodec.count(block));

        long[] s = new long[9];
        long[] t = new long[9];
        double[] v = new double[9];
        assertEquals(7, MetricBlockCodec.decode(block, s, t, v, 2));
        for (int i = 0; i < 7; i++) {
            assertEquals(steps[i], s[i + 2]);
            assertEquals(ts[i], t[i + 2]);
            assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(v[i + 2]));
        }
    }

    @Test
    void encodesOnlyTheChosenPointsInTheirOrder() {
        long[] steps = {10, 11, 12, 13};
        long[] ts = {100, 110, 120, 130};
        double[] values = {1, 2, 3, 4};
        byte[] block = MetricBlockCodec.encode(steps, ts, values, new int[] {3, 1, 99}, 2);
        long[] s = new long[2];
        long[] t = new long[2];
        double[] v = new double[2];
        MetricBlockCodec.decode(block, s, t, v, 0);
        assertArrayEquals(new long[] {13, 11}, s);
        assertArrayEquals(new long[] {130, 110}, t);
        assertArrayEquals(new double[] {4, 2}, v);
    }

    @Test
    void regularSeriesTakeAboutTenBytesAPoint() {
        int n = 10_000;
        long[] steps = new long[n];
        long[] ts = new long[n];
        double[] values = new double[n];
        Random random = new Random(1);
        for (int i = 0; i < n; i++) {
            steps[i] = i;
            ts[i] = 1_700_000_000_000L + i * 3L + random.nextInt(3);
            values[i] = random.nextDouble();
        }
        byte[] block = MetricBlockCodec.encode(steps, ts, values, all(n), n);
        assertTrue(block.length <= n * 10 + 16, "block of " + block.length + " bytes");
    }

    @Test
    void unknownFormatsAreReportedAsCorrupt() {
        KeelException e = assertThrows(KeelException.class, () -> MetricBlockCodec.count(new byte[] {9, 0}));
        assertEquals(KeelException.ErrorCode.CORRUPT_DATA, e.code());
        assertEquals("a stored metric block has format 9, this Keel reads format 1: upgrade Keel", e.getMessage());
    }
}
