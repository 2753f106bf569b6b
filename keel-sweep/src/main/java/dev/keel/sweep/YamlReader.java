package dev.keel.sweep;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads of YAML nodes that fail with the node's line: scalars (a plain {@code 1e-3} is a
 * number even where YAML 1.1 calls it text) and maps (duplicate keys refused, unknown ones named).
 */
final class YamlReader {
    private final String source;

    YamlReader(String source) {
        this.source = source;
    }

    Object scalar(Node node, String key) {
        if (!(node instanceof ScalarNode s)) {
            throw error(node, key, "expected a single value (number, text or true/false), not a list or map");
        }
        Tag tag = s.getTag();
        String text = s.getValue();
        if (Tag.NULL.equals(tag)) {
            throw error(node, key, "empty value; write the value or remove the key");
        }
        if (Tag.BOOL.equals(tag)) {
            return Boolean.parseBoolean(text.toLowerCase(Locale.ROOT))
                    || text.equalsIgnoreCase("yes")
                    || text.equalsIgnoreCase("on");
        }
        boolean plain = s.isPlain();
        if (Tag.INT.equals(tag) || (plain && Tag.STR.equals(tag))) {
            Long l = parseLong(text);
            if (l != null) {
                return l;
            }
        }
        if (Tag.FLOAT.equals(tag) || Tag.INT.equals(tag) || (plain && Tag.STR.equals(tag))) {
            Double d = parseDouble(text);
            if (d != null) {
                return d;
            }
        }
        return text;
    }

    boolean isInteger(Node node) {
        return node instanceof ScalarNode s
                && (Tag.INT.equals(s.getTag()) || s.isPlain())
                && parseLong(s.getValue()) != null;
    }

    long integer(Node node, String key) {
        if (isInteger(node)) {
            return parseLong(((ScalarNode) node).getValue());
        }
        throw error(node, key, "expected a whole number, got " + describe(node));
    }

    long positiveLong(Node node, String key, long max) {
        long v = integer(node, key);
        if (v < 1 || v > max) {
            throw error(
                    node,
                    key,
                    v + " is out of range; give a whole number from 1" + (max == Long.MAX_VALUE ? "" : " to " + max));
        }
        return v;
    }

    double number(Node node, String key) {
        Object v = node instanceof ScalarNode ? scalar(node, key) : null;
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw error(node, key, "expected a finite number, got " + describe(node));
    }

    String string(Node node, String key) {
        if (node instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
            return s.getValue();
        }
        throw error(node, key, "expected a single value, got " + describe(node));
    }

    static String describe(Node node) {
        if (node instanceof ScalarNode s) {
            return Tag.NULL.equals(s.getTag()) ? "nothing" : "'" + s.getValue() + "'";
        }
        return node instanceof SequenceNode ? "a list" : "a map";
    }

    static Long parseLong(String text) {
        String t = text.replace("_", "");
        try {
            if (t.startsWith("0x") || t.startsWith("-0x")) {
                boolean neg = t.startsWith("-");
                long v = Long.parseLong(t.substring(neg ? 3 : 2), 16);
                return neg ? -v : v;
            }
            return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Double parseDouble(String text) {
        String t = text.replace("_", "");
        switch (t.toLowerCase(Locale.ROOT)) {
            case ".inf", "+.inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-.inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case ".nan" -> {
                return Double.NaN;
            }
            default -> {}
        }
        if (!t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
            return null;
        }
        return Double.parseDouble(t);
    }

    Fields fields(Node node, String key) {
        if (!(node instanceof MappingNode map)) {
            throw error(node, key.isEmpty() ? "" : key, "expected a map of keys, got " + describe(node));
        }
        Map<String, NodeTuple> byKey = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw error(t.getKeyNode(), key, "keys must be plain names");
            }
            String dotted = key.isEmpty() ? k.getValue() : key + "." + k.getValue();
            if (byKey.put(k.getValue(), t) != null) {
                throw error(k, dotted, "given twice; keep one");
            }
        }
        return new Fields(key, map, byKey);
    }

    SweepConfigException error(Node node, String key, String problem) {
        return new SweepConfigException(source, node.getStartMark().getLine() + 1, key, problem);
    }

    /** One YAML map's entries by key, with the node each came from. */
    final class Fields {
        private final String path;
        private final MappingNode node;
        private final Map<String, NodeTuple> byKey;

        Fields(String path, MappingNode node, Map<String, NodeTuple> byKey) {
            this.path = path;
            this.node = node;
            this.byKey = byKey;
        }

        Set<String> keys() {
            return byKey.keySet();
        }

        boolean has(String key) {
            return byKey.containsKey(key);
        }

        MappingNode node() {
            return node;
        }

        Node value(String key) {
            return byKey.get(key).getValueNode();
        }

        Node keyNode(String key) {
            return byKey.get(key).getKeyNode();
        }

        Node require(String key, String fix) {
            if (!has(key)) {
                throw error(node, dotted(key), "missing; " + fix);
            }
            return value(key);
        }

        void onlyKeys(String... allowed) {
            Set<String> ok = Set.of(allowed);
            for (String k : keys()) {
                if (!ok.contains(k)) {
                    throw error(
                            keyNode(k),
                            dotted(k),
                            "not allowed here; " + (path.isEmpty() ? "" : path + " takes ")
                                    + String.join(", ", allowed));
                }
            }
        }

        private String dotted(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }
}
