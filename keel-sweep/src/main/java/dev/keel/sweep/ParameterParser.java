package dev.keel.sweep;

import dev.keel.sweep.YamlReader.Fields;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The {@code parameters:} section: groups flattened to dotted names, each spec checked. */
final class ParameterParser {
    private static final Set<String> SPEC_KEYS =
            Set.of("value", "values", "distribution", "min", "max", "q", "mu", "sigma");
    private static final List<String> DISTRIBUTIONS =
            List.of("uniform", "int_uniform", "log_uniform_values", "q_uniform", "normal", "categorical");

    private final YamlReader yaml;
    private final boolean grid;

    /** {@code grid}: refuse distributions a grid cannot enumerate. */
    ParameterParser(YamlReader yaml, boolean grid) {
        this.yaml = yaml;
        this.grid = grid;
    }

    /** Nested maps without distribution keys are groups; their children get dotted names. */
    void flatten(Node node, String prefix, List<Parameter> out) {
        String key = prefix.isEmpty() ? "parameters" : "parameters." + prefix;
        Fields group = yaml.fields(node, key);
        // W&B writes nested groups as {parameters: {...}}; accept both shapes.
        if (!prefix.isEmpty() && group.keys().size() == 1 && group.has("parameters")) {
            group = yaml.fields(group.value("parameters"), key);
        }
        for (String child : group.keys()) {
            String name = prefix.isEmpty() ? child : prefix + "." + child;
            Node value = group.value(child);
            if (!(value instanceof MappingNode)) {
                throw yaml.error(
                        value,
                        "parameters." + name,
                        "expected a map such as {values: [...]}, {value: x} or {distribution: uniform, min: 0, max: 1}");
            }
            Fields spec = yaml.fields(value, "parameters." + name);
            if (spec.keys().stream().anyMatch(SPEC_KEYS::contains)) {
                Parameter p = parameter(name, spec);
                if (grid && p.gridValues() == null) {
                    throw yaml.error(
                            value,
                            "parameters." + name,
                            "grid search cannot enumerate a " + p.distribution()
                                    + " distribution; give values: [...] or use method: random or bayes");
                }
                out.add(p);
            } else if (spec.keys().isEmpty()) {
                throw yaml.error(value, "parameters." + name, "empty; give values: [...], value: x or a distribution");
            } else {
                flatten(value, name, out);
            }
        }
    }

    private Parameter parameter(String name, Fields spec) {
        String key = "parameters." + name;
        for (String k : spec.keys()) {
            if (!SPEC_KEYS.contains(k)) {
                throw yaml.error(
                        spec.keyNode(k),
                        key + "." + k,
                        "unknown key; use value, values, distribution, min, max, q, mu or sigma");
            }
        }
        if (spec.has("value")) {
            spec.onlyKeys("value");
            return new Parameter.Fixed(name, yaml.scalar(spec.value("value"), key + ".value"));
        }
        String distribution;
        if (spec.has("distribution")) {
            distribution = yaml.string(spec.value("distribution"), key + ".distribution");
            if (!DISTRIBUTIONS.contains(distribution)) {
                throw yaml.error(
                        spec.value("distribution"),
                        key + ".distribution",
                        "unknown distribution '" + distribution + "'; use one of " + String.join(", ", DISTRIBUTIONS));
            }
        } else if (spec.has("values")) {
            distribution = "categorical";
        } else if (spec.has("min") || spec.has("max")) {
            boolean ints = spec.has("min")
                    && spec.has("max")
                    && yaml.isInteger(spec.value("min"))
                    && yaml.isInteger(spec.value("max"));
            distribution = ints ? "int_uniform" : "uniform";
        } else {
            throw yaml.error(spec.node(), key, "give values: [...], value: x or a distribution with min and max");
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
                long min = yaml.integer(spec.require("min", "give min and max"), key + ".min");
                long max = yaml.integer(spec.require("max", "give min and max"), key + ".max");
                if (min > max) {
                    throw yaml.error(spec.value("min"), key, "min " + min + " is above max " + max);
                }
                return new Parameter.IntUniform(name, min, max);
            }
            case "log_uniform_values" -> {
                spec.onlyKeys("distribution", "min", "max");
                double[] r = range(spec, key);
                if (r[0] <= 0) {
                    throw yaml.error(
                            spec.value("min"),
                            key + ".min",
                            "min " + Overrides.format(r[0]) + " must be above 0 for a log scale");
                }
                return new Parameter.LogUniform(name, r[0], r[1]);
            }
            case "q_uniform" -> {
                spec.onlyKeys("distribution", "min", "max", "q");
                double[] r = range(spec, key);
                double q = spec.has("q") ? yaml.number(spec.value("q"), key + ".q") : 1.0;
                if (!(q > 0)) {
                    throw yaml.error(spec.value("q"), key + ".q", "q " + Overrides.format(q) + " must be above 0");
                }
                boolean integral = yaml.isInteger(spec.value("min"))
                        && yaml.isInteger(spec.value("max"))
                        && (!spec.has("q") || yaml.isInteger(spec.value("q")));
                Parameter.QUniform p = new Parameter.QUniform(name, r[0], r[1], q, integral);
                if (p.lowestStep() > p.highestStep()) {
                    throw yaml.error(
                            spec.value("q"),
                            key,
                            "no multiple of q " + Overrides.format(q) + " lies between min and max");
                }
                return p;
            }
            case "normal" -> {
                spec.onlyKeys("distribution", "mu", "sigma");
                double mu = spec.has("mu") ? yaml.number(spec.value("mu"), key + ".mu") : 0.0;
                double sigma = spec.has("sigma") ? yaml.number(spec.value("sigma"), key + ".sigma") : 1.0;
                if (!(sigma > 0)) {
                    throw yaml.error(
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
        double min = yaml.number(spec.require("min", "give min and max"), key + ".min");
        double max = yaml.number(spec.require("max", "give min and max"), key + ".max");
        if (min > max) {
            throw yaml.error(
                    spec.value("min"), key, "min " + Overrides.format(min) + " is above max " + Overrides.format(max));
        }
        return new double[] {min, max};
    }

    private List<Object> values(Node node, String key) {
        if (!(node instanceof SequenceNode seq)) {
            throw yaml.error(node, key, "expected a list such as [32, 64, 128]");
        }
        if (seq.getValue().isEmpty()) {
            throw yaml.error(node, key, "empty; list at least one value");
        }
        List<Object> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Node item : seq.getValue()) {
            Object v = yaml.scalar(item, key);
            if (!seen.add(Values.key(v))) {
                throw yaml.error(item, key, "lists " + Overrides.format(v) + " twice");
            }
            out.add(v);
        }
        return List.copyOf(out);
    }
}
