package dev.keel.sweep;

import dev.keel.sweep.SweepConfig.EarlyTerminate;
import dev.keel.sweep.SweepConfig.Method;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks the YAML node tree (not constructed objects) so that every refusal can name the line of
 * the key or value at fault.
 */
final class ConfigParser {
    private static final Set<String> TOP_KEYS = Set.of(
            "name",
            "description",
            "project",
            "method",
            "metric",
            "parameters",
            "early_terminate",
            "run_cap",
            "seed",
            "program",
            "command",
            "trial_timeout");
    private static final Set<String> SPEC_KEYS =
            Set.of("value", "values", "distribution", "min", "max", "q", "mu", "sigma");
    private static final List<String> DISTRIBUTIONS =
            List.of("uniform", "int_uniform", "log_uniform_values", "q_uniform", "normal", "categorical");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");

    private final String source;

    ConfigParser(String source) {
        this.source = source;
    }

    SweepConfig parse(String text) {
        Node root;
        try {
            Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
            root = yaml.compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            throw new SweepConfigException(source, line, "", "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new SweepConfigException(source, 1, "", "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new SweepConfigException(
                    source, 1, "", "the file is empty; a sweep needs at least metric, parameters and command");
        }
        Fields top = fields(root, "");
        for (String key : top.keys()) {
            if (!TOP_KEYS.contains(key)) {
                throw error(
                        top.keyNode(key),
                        key,
                        "unknown key; use one of "
                                + String.join(", ", TOP_KEYS.stream().sorted().toList()));
            }
        }
        String name = top.has("name") ? string(top.value("name"), "name") : defaultName();
        String description = top.has("description") ? string(top.value("description"), "description") : "";
        String project = top.has("project") ? string(top.value("project"), "project") : null;
        Method method = method(top);
        Node metricNode = top.require("metric", "add metric: {name: val_loss, goal: minimize}");
        Fields metric = fields(metricNode, "metric");
        metric.onlyKeys("name", "goal");
        String metricName =
                string(metric.require("name", "name the metric the trials log, e.g. name: val_loss"), "metric.name");
        boolean minimize = goal(metric);
        List<Parameter> parameters = new ArrayList<>();
        Node paramsNode =
                top.require("parameters", "list what to search, e.g. parameters: {lr: {values: [0.01, 0.1]}}");
        flatten(paramsNode, "", parameters);
        if (parameters.isEmpty()) {
            throw error(paramsNode, "parameters", "no parameters; list at least one");
        }
        if (method == Method.GRID) {
            for (Parameter p : parameters) {
                if (p.gridValues() == null) {
                    throw error(
                            paramsNodeOf(paramsNode, p.name()),
                            "parameters." + p.name(),
                            "grid search cannot enumerate a " + p.distribution()
                                    + " distribution; give values: [...] or use method: random or bayes");
                }
            }
        }
        EarlyTerminate early = top.has("early_terminate") ? earlyTerminate(top.value("early_terminate")) : null;
        int runCap = top.has("run_cap") ? (int) positiveLong(top.value("run_cap"), "run_cap", Integer.MAX_VALUE) : 0;
        Long seed = top.has("seed") ? integer(top.value("seed"), "seed") : null;
        List<String> command = command(top, root);
        long timeout = top.has("trial_timeout") ? duration(top.value("trial_timeout"), "trial_timeout") : 0;
        return new SweepConfig(
                source,
                name,
                description,
                project,
                method,
                metricName,
                minimize,
                parameters,
                early,
                runCap,
                seed,
                command,
                timeout);
    }

    private String defaultName() {
        String n = source.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1);
        return n.replaceFirst("\\.(yaml|yml)$", "");
    }

    private Method method(Fields top) {
        Node node = top.require("method", "choose method: grid, random or bayes");
        String text = string(node, "method");
        for (Method m : Method.values()) {
            if (m.label().equals(text)) {
                return m;
            }
        }
        throw error(node, "method", "unknown method '" + text + "'; use grid, random or bayes");
    }

    private boolean goal(Fields metric) {
        if (!metric.has("goal")) {
            return true;
        }
        String goal = string(metric.value("goal"), "metric.goal");
        return switch (goal) {
            case "minimize" -> true;
            case "maximize" -> false;
            default ->
                throw error(
                        metric.value("goal"), "metric.goal", "unknown goal '" + goal + "'; use minimize or maximize");
        };
    }

    /** Nested maps without distribution keys are groups; their children get dotted names. */
    private void flatten(Node node, String prefix, List<Parameter> out) {
        String key = prefix.isEmpty() ? "parameters" : "parameters." + prefix;
        Fields group = fields(node, key);
        // W&B writes nested groups as {parameters: {...}}; accept both shapes.
        if (!prefix.isEmpty() && group.keys().size() == 1 && group.has("parameters")) {
            group = fields(group.value("parameters"), key);
        }
        for (String child : group.keys()) {
            String name = prefix.isEmpty() ? child : prefix + "." + child;
            Node value = group.value(child);
            if (!(value instanceof MappingNode)) {
                throw error(
                        value,
                        "parameters." + name,
                        "expected a map such as {values: [...]}, {value: x} or {distribution: uniform, min: 0, max: 1}");
            }
            Fields spec = fields(value, "parameters." + name);
            if (spec.keys().stream().anyMatch(SPEC_KEYS::contains)) {
                out.add(parameter(name, spec));
            } else if (spec.keys().isEmpty()) {
                throw error(value, "parameters." + name, "empty; give values: [...], value: x or a distribution");
            } else {
                flatten(value, name, out);
            }
        }
    }

    private static Node paramsNodeOf(Node paramsNode, String dotted) {
        Node node = paramsNode;
        for (String part : dotted.split("\\.")) {
            if (!(node instanceof MappingNode map)) {
                return node;
            }
            Node next = null;
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(part)) {
                    next = t.getValueNode();
                } else if (t.getKeyNode() instanceof ScalarNode s
                        && s.getValue().equals("parameters")
                        && map.getValue().size() == 1) {
                    next = paramsNodeOf(t.getValueNode(), part);
                }
            }
            if (next == null) {
                return node;
            }
            node = next;
        }
        return node;
    }

    private Parameter parameter(String name, Fields spec) {
        String key = "parameters." + name;
        for (String k : spec.keys()) {
            if (!SPEC_KEYS.contains(k)) {
                throw error(
                        spec.keyNode(k),
                        key + "." + k,
                        "unknown key; use value, values, distribution, min, max, q, mu or sigma");
            }
        }
        if (spec.has("value")) {
            spec.onlyKeys("value");
            return new Parameter.Fixed(name, scalar(spec.value("value"), key + ".value"));
        }
        String distribution;
        if (spec.has("distribution")) {
            distribution = string(spec.value("distribution"), key + ".distribution");
            if (!DISTRIBUTIONS.contains(distribution)) {
                throw error(
                        spec.value("distribution"),
                        key + ".distribution",
                        "unknown distribution '" + distribution + "'; use one of " + String.join(", ", DISTRIBUTIONS));
            }
        } else if (spec.has("values")) {
            distribution = "categorical";
        } else if (spec.has("min") || spec.has("max")) {
            boolean ints =
                    spec.has("min") && spec.has("max") && isInteger(spec.value("min")) && isInteger(spec.value("max"));
            distribution = ints ? "int_uniform" : "uniform";
        } else {
            throw error(spec.node(), key, "give values: [...], value: x or a distribution with min and max");
        }
        switch (distribution) {
            case "categorical" -> {
                spec.onlyKeys("values", "distribution");
                return new Parameter.Choice(
                        name,
                        values(spec.require("values", "list the choices, e.g. values: [32, 64]"), key + ".values"));
            }
            case "uniform" -> {
                spec.onlyKeys("distribution", "min", "max");
                double[] r = range(spec, key);
                return new Parameter.Uniform(name, r[0], r[1]);
            }
            case "int_uniform" -> {
                spec.onlyKeys("distribution", "min", "max");
                long min = integer(spec.require("min", "give min and max"), key + ".min");
                long max = integer(spec.require("max", "give min and max"), key + ".max");
                if (min > max) {
                    throw error(spec.value("min"), key, "min " + min + " is above max " + max);
                }
                return new Parameter.IntUniform(name, min, max);
            }
            case "log_uniform_values" -> {
                spec.onlyKeys("distribution", "min", "max");
                double[] r = range(spec, key);
                if (r[0] <= 0) {
                    throw error(
                            spec.value("min"),
                            key + ".min",
                            "min " + Overrides.format(r[0]) + " must be above 0 for a log scale");
                }
                return new Parameter.LogUniform(name, r[0], r[1]);
            }
            case "q_uniform" -> {
                spec.onlyKeys("distribution", "min", "max", "q");
                double[] r = range(spec, key);
                double q = spec.has("q") ? number(spec.value("q"), key + ".q") : 1.0;
                if (!(q > 0)) {
                    throw error(spec.value("q"), key + ".q", "q " + Overrides.format(q) + " must be above 0");
                }
                boolean integral = isInteger(spec.value("min"))
                        && isInteger(spec.value("max"))
                        && (!spec.has("q") || isInteger(spec.value("q")));
                Parameter.QUniform p = new Parameter.QUniform(name, r[0], r[1], q, integral);
                if (p.lowestStep() > p.highestStep()) {
                    throw error(
                            spec.value("q"),
                            key,
                            "no multiple of q " + Overrides.format(q) + " lies between min and max");
                }
                return p;
            }
            case "normal" -> {
                spec.onlyKeys("distribution", "mu", "sigma");
                double mu = spec.has("mu") ? number(spec.value("mu"), key + ".mu") : 0.0;
                double sigma = spec.has("sigma") ? number(spec.value("sigma"), key + ".sigma") : 1.0;
                if (!(sigma > 0)) {
                    throw error(
                            spec.value("sigma"),
                            key + ".sigma",
                            "sigma " + Overrides.format(sigma) + " must be above 0");
                }
                return new Parameter.Normal(name, mu, sigma);
            }
            default -> throw new IllegalStateException(distribution);
        }
    }

    private double[] range(Fields spec, String key) {
        double min = number(spec.require("min", "give min and max"), key + ".min");
        double max = number(spec.require("max", "give min and max"), key + ".max");
        if (min > max) {
            throw error(
                    spec.value("min"), key, "min " + Overrides.format(min) + " is above max " + Overrides.format(max));
        }
        return new double[] {min, max};
    }

    private List<Object> values(Node node, String key) {
        if (!(node instanceof SequenceNode seq)) {
            throw error(node, key, "expected a list such as [32, 64, 128]");
        }
        if (seq.getValue().isEmpty()) {
            throw error(node, key, "empty; list at least one value");
        }
        List<Object> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Node item : seq.getValue()) {
            Object v = scalar(item, key);
            if (!seen.add(Values.key(v))) {
                throw error(item, key, "lists " + Overrides.format(v) + " twice");
            }
            out.add(v);
        }
        return List.copyOf(out);
    }

    private EarlyTerminate earlyTerminate(Node node) {
        Fields f = fields(node, "early_terminate");
        Node typeNode = f.require("type", "give type: hyperband or type: median");
        String type = string(typeNode, "early_terminate.type");
        switch (type) {
            case "hyperband" -> {
                f.onlyKeys("type", "min_iter", "eta", "max_iter");
                long minIter = positiveLong(
                        f.require("min_iter", "give min_iter, the first step a trial is judged at"),
                        "early_terminate.min_iter",
                        Long.MAX_VALUE);
                long eta = f.has("eta") ? integer(f.value("eta"), "early_terminate.eta") : 3;
                if (eta < 2 || eta > 100) {
                    throw error(
                            f.value("eta"),
                            "early_terminate.eta",
                            "eta " + eta + " must be a whole number from 2 to 100");
                }
                long maxIter = f.has("max_iter")
                        ? positiveLong(f.value("max_iter"), "early_terminate.max_iter", Long.MAX_VALUE)
                        : 0;
                if (maxIter != 0 && maxIter < minIter) {
                    throw error(
                            f.value("max_iter"),
                            "early_terminate.max_iter",
                            "max_iter " + maxIter + " is below min_iter " + minIter);
                }
                return new EarlyTerminate(EarlyTerminate.Type.HYPERBAND, minIter, (int) eta, maxIter, 1);
            }
            case "median" -> {
                f.onlyKeys("type", "min_iter", "min_trials");
                long minIter = f.has("min_iter")
                        ? positiveLong(f.value("min_iter"), "early_terminate.min_iter", Long.MAX_VALUE)
                        : 1;
                long minTrials = f.has("min_trials")
                        ? positiveLong(f.value("min_trials"), "early_terminate.min_trials", 10_000)
                        : 3;
                return new EarlyTerminate(EarlyTerminate.Type.MEDIAN, minIter, 0, 0, (int) minTrials);
            }
            default ->
                throw error(typeNode, "early_terminate.type", "unknown type '" + type + "'; use hyperband or median");
        }
    }

    private List<String> command(Fields top, Node root) {
        List<String> program = top.has("program") ? words(top.value("program"), "program") : null;
        if (!top.has("command")) {
            if (program == null) {
                throw error(root, "command", "missing; give the program to run, e.g. command: [./run, train, mlp]");
            }
            return program;
        }
        List<String> out = new ArrayList<>();
        for (String word : words(top.value("command"), "command")) {
            if (word.equals("${program}")) {
                if (program == null) {
                    throw error(top.value("command"), "command", "uses ${program} but no program: is given");
                }
                out.addAll(program);
            } else if (word.startsWith("${")) {
                throw error(
                        top.value("command"),
                        "command",
                        "unsupported macro " + word
                                + "; only ${program} is known, and the parameters always follow as key=value arguments");
            } else {
                out.add(word);
            }
        }
        if (out.isEmpty()) {
            throw error(top.value("command"), "command", "empty; give the program to run");
        }
        return out;
    }

    private List<String> words(Node node, String key) {
        List<String> out = new ArrayList<>();
        if (node instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                out.add(string(item, key));
            }
        } else {
            for (String w : string(node, key).trim().split("\\s+")) {
                if (!w.isEmpty()) {
                    out.add(w);
                }
            }
        }
        if (out.isEmpty()) {
            throw error(node, key, "empty; give the program to run");
        }
        return out;
    }

    private long duration(Node node, String key) {
        String text = string(node, key).trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw error(node, key, "cannot read '" + text + "' as a duration; write e.g. 90s, 30m or 2h");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long factor = switch (unit) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 86_400_000L;
        };
        long millis = Math.round(amount * factor);
        if (millis <= 0) {
            throw error(node, key, "must be above 0");
        }
        return millis;
    }

    // ---- scalars

    private Object scalar(Node node, String key) {
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

    private boolean isInteger(Node node) {
        return node instanceof ScalarNode s
                && (Tag.INT.equals(s.getTag()) || s.isPlain())
                && parseLong(s.getValue()) != null;
    }

    private long integer(Node node, String key) {
        if (isInteger(node)) {
            return parseLong(((ScalarNode) node).getValue());
        }
        throw error(node, key, "expected a whole number, got " + describe(node));
    }

    private long positiveLong(Node node, String key, long max) {
        long v = integer(node, key);
        if (v < 1 || v > max) {
            throw error(
                    node,
                    key,
                    v + " is out of range; give a whole number from 1" + (max == Long.MAX_VALUE ? "" : " to " + max));
        }
        return v;
    }

    private double number(Node node, String key) {
        Object v = node instanceof ScalarNode ? scalar(node, key) : null;
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw error(node, key, "expected a finite number, got " + describe(node));
    }

    private String string(Node node, String key) {
        if (node instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
            return s.getValue();
        }
        throw error(node, key, "expected a single value, got " + describe(node));
    }

    private static String describe(Node node) {
        if (node instanceof ScalarNode s) {
            return Tag.NULL.equals(s.getTag()) ? "nothing" : "'" + s.getValue() + "'";
        }
        return node instanceof SequenceNode ? "a list" : "a map";
    }

    private static Long parseLong(String text) {
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

    private static Double parseDouble(String text) {
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

    // ---- maps

    private Fields fields(Node node, String key) {
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
    private final class Fields {
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
