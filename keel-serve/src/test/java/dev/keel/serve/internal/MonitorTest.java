package dev.keel.serve.internal;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What one interval logs into the serving run, drift included. */
class MonitorTest {

    private static Baseline baseline() {
        double[] bins = new double[ServeMetrics.INTENSITY_BINS];
        bins[2] = 0.5;
        bins[3] = 0.5;
        return new Baseline("data:v1", bins, Map.of("a", 0.5, "b", 0.5));
    }

    @Test
    void trafficLikeTheTrainingDataHasNoDrift() {
        ServeMetrics metrics = new ServeMetrics();
        for (int i = 0; i < 100; i++) {
            metrics.batch(4);
            metrics.request(200, 2_000_000);
            metrics.prediction(i % 2 == 0 ? "a" : "b", i % 2 == 0 ? 40 : 56);
        }
        Map<String, Number> m = Monitor.interval(metrics.take(), baseline(), 3);
        assertEquals(3, m.get("serve/version"));
        assertEquals(100L, m.get("serve/requests"));
        assertEquals(0L, m.get("serve/errors"));
        assertEquals(2.0, m.get("serve/latency_p99_ms").doubleValue());
        assertEquals(4.0, m.get("serve/batch_size_mean").doubleValue());
        assertEquals(0.5, m.get("serve/class/a").doubleValue());
        assertEquals(0.5, m.get("serve/input_mean_bin_02").doubleValue());
        assertTrue(m.get("serve/drift_psi_input_mean").doubleValue() < 1e-9, m.toString());
        assertTrue(m.get("serve/drift_psi_class").doubleValue() < 1e-9, m.toString());
    }

    @Test
    void brighterInputsAndOneClassShowAsLargeDrift() {
        ServeMetrics metrics = new ServeMetrics();
        for (int i = 0; i < 100; i++) {
            metrics.request(i < 10 ? 400 : 200, 1_000_000);
            metrics.prediction("a", 200);
        }
        Map<String, Number> m = Monitor.interval(metrics.take(), baseline(), 1);
        assertEquals(10L, m.get("serve/errors"));
        assertTrue(m.get("serve/drift_psi_input_mean").doubleValue() > 0.25, m.toString());
        assertTrue(m.get("serve/drift_psi_class").doubleValue() > 0.25, m.toString());
    }

    @Test
    void anIntervalWithoutRequestsLogsTheRateAndVersionOnly() {
        Map<String, Number> m = Monitor.interval(new ServeMetrics().take(), Baseline.NONE, 2);
        assertEquals(0.0, m.get("serve/requests_per_s").doubleValue());
        assertEquals(2, m.get("serve/version"));
        assertFalse(m.containsKey("serve/latency_p50_ms"));
    }

    @Test
    void classNamesBecomeMetricNameParts() {
        assertEquals("T-shirt_top", Monitor.metricName("T-shirt/top"));
        assertEquals("Ankle_boot", Monitor.metricName("Ankle boot"));
    }
}
