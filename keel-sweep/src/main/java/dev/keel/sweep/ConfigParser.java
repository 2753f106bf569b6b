package dev.keel.sweep;

import dev.keel.sweep.SweepConfig.EarlyTerminate;
import dev.keel.sweep.SweepConfig.Method;
import dev.keel.sweep.YamlReader.Fields;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");

    private final String source;
    private final YamlReader yaml;

    ConfigParser(String source) {
        this.source = source;
        this.yaml = new YamlReader(source);
    }

    SweepConfig parse(String text) {
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
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
        Fields top = yaml.fields(root, "");
        for (String key : top.keys()) {
            if (!TOP_KEYS.contains(key)) {
                throw yaml.error(
                        top.keyNode(key),
                        key,
                        "unknown key; use one of "
                                + String.join(", ", TOP_KEYS.stream().sorted().toList()));
            }
        }
        String name = top.has("name") ? yaml.string(top.value("name"), "name") : defaultName();
        String description = top.has("description") ? yaml.string(top.value("description"), "description") : "";
        String project = top.has("project") ? yaml.string(top.value("project"), "project") : null;
        Method method = method(top);
        Node metricNode = top.require("metric", "add metric: {name: val_loss, goal: minimize}");
        Fields metric = yaml.fields(metricNode, "metric");
        metric.onlyKeys("name", "goal");
        String metricName = yaml.string(
                metric.require("name", "name the metric the trials log, e.g. name: val_loss"), "metric.name");
        boolean minimize = goal(metric);
        List<Parameter> parameters = new ArrayList<>();
        Node paramsNode =
                top.require("parameters", "list what to search, e.g. parameters: {lr: {values: [0.01, 0.1]}}");
        new ParameterParser(yaml, method == Method.GRID).flatten(paramsNode, "", parameters);
        if (parameters.isEmpty()) {
            throw yaml.error(paramsNode, "parameters", "no parameters; list at least one");
        }
        EarlyTerminate early = top.has("early_terminate") ? earlyTerminate(top.value("early_terminate")) : null;
        int runCap =
                top.has("run_cap") ? (int) yaml.positiveLong(top.value("run_cap"), "run_cap", Integer.MAX_VALUE) : 0;
        Long seed = top.has("seed") ? yaml.integer(top.value("seed"), "seed") : null;
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
        String text = yaml.string(node, "method");
        for (Method m : Method.values()) {
            if (m.label().equals(text)) {
                return m;
            }
        }
        throw yaml.error(node, "method", "unknown method '" + text + "'; use grid, random or bayes");
    }

    private boolean goal(Fields metric) {
        if (!metric.has("goal")) {
            return true;
        }
        String goal = yaml.string(metric.value("goal"), "metric.goal");
        return switch (goal) {
            case "minimize" -> true;
            case "maximize" -> false;
            default ->
                throw yaml.error(
                        metric.value("goal"), "metric.goal", "unknown goal '" + goal + "'; use minimize or maximize");
        };
    }

    private EarlyTerminate earlyTerminate(Node node) {
        Fields f = yaml.fields(node, "early_terminate");
        Node typeNode = f.require("type", "give type: hyperband or type: median");
        String type = yaml.string(typeNode, "early_terminate.type");
        switch (type) {
            case "hyperband" -> {
                f.onlyKeys("type", "min_iter", "eta", "max_iter", "s");
                long eta = f.has("eta") ? yaml.integer(f.value("eta"), "early_terminate.eta") : 3;
                if (eta < 2 || eta > 100) {
                    throw yaml.error(
                            f.value("eta"),
                            "early_terminate.eta",
                            "eta " + eta + " must be a whole number from 2 to 100");
                }
                long maxIter = f.has("max_iter")
                        ? yaml.positiveLong(f.value("max_iter"), "early_terminate.max_iter", Long.MAX_VALUE)
                        : 0;
                long minIter;
                if (f.has("min_iter")) {
                    minIter = yaml.positiveLong(f.value("min_iter"), "early_terminate.min_iter", Long.MAX_VALUE);
                } else if (maxIter != 0 && f.has("s")) {
                    // W&B's other spelling: s rungs below max_iter, at max_iter/eta, max_iter/eta², …
                    long rungs = yaml.positiveLong(f.value("s"), "early_terminate.s", 30);
                    minIter = maxIter;
                    for (long k = 0; k < rungs; k++) {
                        minIter /= eta;
                    }
                    if (minIter < 1) {
                        throw yaml.error(
                                f.value("s"),
                                "early_terminate.s",
                                "s " + rungs + " puts the first rung below step 1 (max_iter " + maxIter + ", eta " + eta
                                        + "); give a smaller s");
                    }
                } else {
                    throw yaml.error(
                            f.node(),
                            "early_terminate.min_iter",
                            "missing; give min_iter, the first step a trial is judged at (or max_iter and s)");
                }
                if (f.has("s") && f.has("min_iter")) {
                    throw yaml.error(f.keyNode("s"), "early_terminate.s", "give min_iter or max_iter with s, not both");
                }
                if (maxIter != 0 && maxIter < minIter) {
                    throw yaml.error(
                            f.value("max_iter"),
                            "early_terminate.max_iter",
                            "max_iter " + maxIter + " is below min_iter " + minIter);
                }
                return new EarlyTerminate(EarlyTerminate.Type.HYPERBAND, minIter, (int) eta, maxIter, 1);
            }
            case "median" -> {
                f.onlyKeys("type", "min_iter", "min_trials");
                long minIter = f.has("min_iter")
                        ? yaml.positiveLong(f.value("min_iter"), "early_terminate.min_iter", Long.MAX_VALUE)
                        : 1;
                long minTrials = f.has("min_trials")
                        ? yaml.positiveLong(f.value("min_trials"), "early_terminate.min_trials", 10_000)
                        : 3;
                return new EarlyTerminate(EarlyTerminate.Type.MEDIAN, minIter, 0, 0, (int) minTrials);
            }
            default ->
                throw yaml.error(
                        typeNode, "early_terminate.type", "unknown type '" + type + "'; use hyperband or median");
        }
    }

    private List<String> command(Fields top, Node root) {
        List<String> program = top.has("program") ? words(top.value("program"), "program") : null;
        if (!top.has("command")) {
            if (program == null) {
                throw yaml.error(
                        root, "command", "missing; give the program to run, e.g. command: [./run, train, mlp]");
            }
            return program;
        }
        List<String> out = new ArrayList<>();
        for (String word : words(top.value("command"), "command")) {
            if (word.equals("${program}")) {
                if (program == null) {
                    throw yaml.error(top.value("command"), "command", "uses ${program} but no program: is given");
                }
                out.addAll(program);
            } else if (word.startsWith("${")) {
                throw yaml.error(
                        top.value("command"),
                        "command",
                        "unsupported macro " + word
                                + "; only ${program} is known, and the parameters always follow as key=value arguments");
            } else {
                out.add(word);
            }
        }
        if (out.isEmpty()) {
            throw yaml.error(top.value("command"), "command", "empty; give the program to run");
        }
        return out;
    }

    private List<String> words(Node node, String key) {
        List<String> out = new ArrayList<>();
        if (node instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                out.add(yaml.string(item, key));
            }
        } else {
            for (String w : yaml.string(node, key).trim().split("\\s+")) {
                if (!w.isEmpty()) {
                    out.add(w);
                }
            }
        }
        if (out.isEmpty()) {
            throw yaml.error(node, key, "empty; give the program to run");
        }
        return out;
    }

    private long duration(Node node, String key) {
        String text = yaml.string(node, key).trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw yaml.error(node, key, "cannot read '" + text + "' as a duration; write e.g. 90s, 30m or 2h");
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
            throw yaml.error(node, key, "must be above 0");
        }
        return millis;
    }
}
