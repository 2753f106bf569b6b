package dev.keel.core.provenance;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One way two runs' environments differ: {@code section} (code, jvm, os, cpu, threads, gpu,
 * environment, dependencies, datasets, config, seeds, command), the {@code key} within it, and
 * each run's value as text ({@code null}: the run recorded none, e.g. a dependency one of them
 * lacks).
 */
public record EnvDifference(String section, String key, String left, String right) {

    /** {@code changed}, {@code added} (only the second run has it) or {@code removed} (only the first). */
    public String kind() {
        if (left == null) {
            return "added";
        }
        return right == null ? "removed" : "changed";
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("section", section);
        m.put("key", key);
        m.put("kind", kind());
        m.put("left", left);
        m.put("right", right);
        return m;
    }
}
