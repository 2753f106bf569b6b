package dev.keel.serve.internal;

import dev.keel.core.Json;
import dev.keel.core.KeelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training data's statistics a version carries in {@code baseline.json}, that served traffic
 * is compared with:
 *
 * <pre>{@code
 * {"dataset": "fashion-mnist:v1",
 *  "input_mean_histogram": [0.0, 0.01, ...],      // 16 bins of mean pixel intensity, 0-255, as fractions
 *  "classes": {"T-shirt/top": 0.1, ...}}          // label frequencies
 * }</pre>
 *
 * @param dataset empty when the version names none
 */
record Baseline(String dataset, double[] intensity, Map<String, Double> classes) {
    static final Baseline NONE = new Baseline("", new double[0], Map.of());

    boolean present() {
        return intensity.length > 0 || !classes.isEmpty();
    }

    static Baseline read(Path file) {
        Map<String, Object> m;
        try {
            m = Json.readMap(Files.readString(file));
        } catch (NoSuchFileException e) {
            return NONE;
        } catch (IOException | RuntimeException e) {
            throw KeelException.invalid("the version's baseline.json cannot be read: " + e.getMessage());
        }
        List<Double> bins = new ArrayList<>();
        if (m.get("input_mean_histogram") instanceof List<?> l) {
            for (Object o : l) {
                bins.add(o instanceof Number n ? n.doubleValue() : 0.0);
            }
        }
        if (!bins.isEmpty() && bins.size() != ServeMetrics.INTENSITY_BINS) {
            throw KeelException.invalid("baseline.json's input_mean_histogram has " + bins.size() + " bins; it needs "
                    + ServeMetrics.INTENSITY_BINS + " (mean pixel intensity 0-255 in equal bins)");
        }
        Map<String, Double> classes = new LinkedHashMap<>();
        if (m.get("classes") instanceof Map<?, ?> c) {
            c.forEach((k, v) -> classes.put(String.valueOf(k), v instanceof Number n ? n.doubleValue() : 0.0));
        }
        return new Baseline(
                m.get("dataset") instanceof String s ? s : "",
                bins.stream().mapToDouble(Double::doubleValue).toArray(),
                classes);
    }
}
