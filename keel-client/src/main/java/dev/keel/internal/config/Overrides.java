package dev.keel.internal.config;

import dev.keel.core.KeelException;
import dev.keel.core.ValueLimits;
import org.yaml.snakeyaml.error.YAMLException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code key=value} config overrides, as given on a command line: dotted keys reach into
 * nested maps (creating them), values parse as YAML scalars, so {@code epochs=3} is a
 * number, {@code lr=1e-3} a double, {@code amp=true} a boolean and {@code name=abc} a string.
 */
final class Overrides {
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private Overrides() {}

    /**
     * Applies one override; one that would nest deeper than {@link ValueLimits#MAX_DEPTH} is left
     * out with a message added to {@code problems}.
     */
    @SuppressWarnings("unchecked")
    static void apply(Map<String, Object> config, String override, List<String> problems) {
        int eq = override == null ? -1 : override.indexOf('=');
        if (eq <= 0) {
            throw KeelException.invalid("config override '" + override + "' is not key=value: write it as "
                    + "e.g. epochs=3 or optimizer.lr=0.001");
        }
        String key = override.substring(0, eq).trim();
        String[] path = key.split("\\.", -1);
        for (String part : path) {
            if (part.isEmpty()) {
                throw KeelException.invalid("config override '" + override + "' has an empty part in its key '" + key
                        + "': use dotted names such as optimizer.lr");
            }
        }
        if (path.length > ValueLimits.MAX_DEPTH) {
            problems.add("config override \"" + ValueLimits.shown(key) + "\" is nested more than "
                    + ValueLimits.MAX_DEPTH + " levels deep; flatten it; the run goes on without it");
            return;
        }
        Object value;
        try {
            value = parseScalar(override.substring(eq + 1), override);
        } catch (TooDeepValue e) {
            problems.add("config override \"" + ValueLimits.shown(key) + "\" has a value nested more than "
                    + ValueLimits.MAX_DEPTH + " levels deep; flatten it; the run goes on without it");
            return;
        }
        Map<String, Object> node = config;
        for (int i = 0; i < path.length - 1; i++) {
            Object child = node.get(path[i]);
            if (child == null) {
                child = new LinkedHashMap<String, Object>();
                node.put(path[i], child);
            } else if (!(child instanceof Map<?, ?>)) {
                throw KeelException.invalid("config override '" + override + "' reaches into '"
                        + String.join(".", Arrays.copyOf(path, i + 1)) + "', which is a value ("
                        + child + "), not a section");
            }
            node = (Map<String, Object>) child;
        }
        node.put(path[path.length - 1], value);
    }

    static Object parseScalar(String text, String override) {
        String t = text.trim();
        if (t.isEmpty()) {
            return "";
        }
        Object v;
        try {
            v = YamlConfig.yaml().load(t);
        } catch (YAMLException e) {
            if (YamlConfig.tooDeep(e)) {
                throw new TooDeepValue();
            }
            throw KeelException.invalid("config override '" + override + "' has a value that is not a YAML "
                    + "scalar: quote it, e.g. key='" + t + "'");
        }
        if (v instanceof Map<?, ?>) {
            // "a: b" as a value is more likely text than a nested section
            return t;
        }
        if (v instanceof String s && NUMBER.matcher(s).matches()) {
            // YAML 1.1 (snakeyaml) reads 1e-3 as text; people mean the number
            return Double.parseDouble(s);
        }
        return ConfigResolver.canonical(v, "config override '" + override + "'");
    }

    private static final class TooDeepValue extends RuntimeException {
        TooDeepValue() {
            super(null, null, false, false);
        }
    }
}
