package dev.keel.server.ui;

import dev.keel.core.MetricSeries;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DownsamplerTest {

    static MetricSeries series(int n) {
        long[] steps = new long[n];
        double[] values = new double[n];
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            steps[i] = i;
            values[i] = Math.sin(i / 5000.0);
            times[i] = 1_000_000L + i;
        }
        return new MetricSeries("loss", steps, values, times);
    }

    @Test
    void aMillionPointsShrinkToTheLimitAndKeepASingleSpikeAndDip() {
        MetricSeries s = series(1_000_000);
        s.values()[123_457] = 100;
        s.values()[876_543] = -100;
        MetricSeries d = Downsampler.downsample(s, 1000);
        assertTrue(d.size() <= 1000 && d.size() > 500, "size " + d.size());
        boolean spike = false;
        boolean dip = false;
        for (int i = 0; i < d.size(); i++) {
            spike |= d.values()[i] == 100 && d.steps()[i] == 123_457 && d.timestamps()[i] == 1_123_457L;
            dip |= d.values()[i] == -100 && d.steps()[i] == 876_543;
            if (i > 0) {
                assertTrue(d.steps()[i] > d.steps()[i - 1], "steps stay in order");
            }
        }
        assertTrue(spike, "the spike survives");
        assertTrue(dip, "the dip survives");
        assertEquals(0, d.steps()[0], "the first point is kept");
        assertEquals(999_999, d.steps()[d.size() - 1], "the last point is kept");
    }

    @Test
    void smallSeriesAreReturnedAsTheyAre() {
        MetricSeries s = series(300);
        assertSame(s, Downsampler.downsample(s, 1000));
    }

    @Test
    void nanValuesNeitherWinNorBreakABucket() {
        MetricSeries s = series(10_000);
        for (int i = 0; i < 10_000; i += 2) {
            s.values()[i] = Double.NaN;
        }
        MetricSeries d = Downsampler.downsample(s, 100);
        assertTrue(d.size() <= 100);
        assertThrows(IllegalArgumentException.class, () -> Downsampler.downsample(s, 3));
    }
}
