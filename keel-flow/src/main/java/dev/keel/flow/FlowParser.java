package dev.keel.flow;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the {@code stages:} of a keel.yaml into stages, every error with its line and key. */
final class FlowParser {
    static final String DEFAULT_PARAMS_FILE = "params.yaml";
    private static final Set<String> STAGE_KEYS =
            Set.of("cmd", "command", "inputs", "deps", "outputs", "outs", "params", "after", "stages", "description");

    private final String source;
    private final Map<String, Stage> stages = new LinkedHashMap<>();
    private String paramsFile = DEFAULT_PARAMS_FILE;
    private String project;

    private FlowParser(String source) {
        this.source = source;
    }

    record Parsed(String project, Map<String, Stage> stages) {}

    static Parsed parse(String yaml, String source) {
        FlowParser p = new FlowParser(source);
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw FlowException.at(
                    source, line, "", "not valid YAML (" + e.getProblem() + "): fix the file's indentation or quoting");
        } catch (YAMLException e) {
            throw FlowException.at(source, 0, "", "not valid YAML (" + e.getMessage() + ")");
        }
        if (root == null) {
            return new Parsed(null, Map.of());
        }
        if (!(root instanceof MappingNode top)) {
            throw p.error(
                    root, "", "keel.yaml must be a map of keys (project:, stages:), not a list or a single value");
        }
        Node stagesNode = null;
        for (NodeTuple t : top.getValue()) {
            String key = p.keyOf(t, "");
            switch (key) {
                case "project" -> p.project = p.text(t.getValueNode(), "project");
                case "params_file" -> p.paramsFile = p.text(t.getValueNode(), "params_file");
                case "stages" -> stagesNode = t.getValueNode();
                default -> {
                    // other keys belong to other readers of keel.yaml
                }
            }
        }
        if (stagesNode != null && !isNull(stagesNode)) {
            p.stages(stagesNode, null, "stages");
        }
        return new Parsed(p.project, p.stages);
    }

    private void stages(Node node, String parent, String at) {
        if (!(node instanceof MappingNode m)) {
            throw error(
                    node,
                    at,
                    "expected a map of stage names to stages, e.g.\n  stages:\n    train:\n"
                            + "      cmd: ./run train\n      inputs: [data/]\n      outputs: [weights/]");
        }
        for (NodeTuple t : m.getValue()) {
            String name = keyOf(t, at);
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
                throw error(
                        t.getKeyNode(),
                        at,
                        "stage name '" + name + "' may hold only letters, digits, '_', '.' and"
                                + " '-' (and must start with a letter or digit)");
            }
            Stage before = stages.get(name);
            if (before != null) {
                throw error(
                        t.getKeyNode(),
                        at + "." + name,
                        "stage '" + name + "' is declared twice (first at line " + before.line()
                                + "): stage names are unique across the flow, sub-stages included");
            }
            stage(name, t.getValueNode(), parent, at + "." + name, line(t.getKeyNode()));
        }
    }

    private void stage(String name, Node node, String parent, String at, int line) {
        if (!(node instanceof MappingNode m)) {
            throw error(node, at, "a stage is a map with cmd:, inputs:, outputs: (or stages: for a group)");
        }
        String command = null;
        List<Input> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<String> after = new ArrayList<>();
        Node children = null;
        Node commandNode = null;
        for (NodeTuple t : m.getValue()) {
            String key = keyOf(t, at);
            Node v = t.getValueNode();
            String here = at + "." + key;
            switch (key) {
                case "cmd", "command" -> {
                    command = text(v, here);
                    commandNode = v;
                }
                case "inputs", "deps" -> {
                    for (Node item : items(v, here)) {
                        inputs.add(input(text(item, here), item, here));
                    }
                }
                case "outputs", "outs" -> {
                    for (Node item : items(v, here)) {
                        outputs.add(path(text(item, here), item, here));
                    }
                }
                case "params" -> params(v, here, inputs);
                case "after" -> {
                    for (Node item : items(v, here)) {
                        after.add(text(item, here));
                    }
                }
                case "stages" -> children = v;
                case "description" -> text(v, here);
                default ->
                    throw error(
                            t.getKeyNode(),
                            here,
                            "unknown key '" + key
                                    + "': a stage has cmd, inputs, outputs, params, after (or stages for a group)");
            }
        }
        if (children != null) {
            if (commandNode != null || !inputs.isEmpty() || !outputs.isEmpty()) {
                throw error(
                        node,
                        at,
                        "a group (a stage with stages:) has no cmd, inputs or outputs of its own: give"
                                + " them to its sub-stages");
            }
            stages.put(name, new Stage(name, parent, null, List.of(), List.of(), after, List.of(), line));
            int before = stages.size();
            stages(children, name, at + ".stages");
            List<String> kids = new ArrayList<>();
            for (Stage s : stages.values()) {
                if (name.equals(s.parent())) {
                    kids.add(s.name());
                }
            }
            if (stages.size() == before) {
                throw error(children, at + ".stages", "a group needs at least one sub-stage");
            }
            stages.put(name, new Stage(name, parent, null, List.of(), List.of(), after, kids, line));
            return;
        }
        if (command == null || command.isBlank()) {
            throw error(
                    node,
                    at,
                    "stage '" + name + "' has no cmd: write the command that makes its outputs, e.g."
                            + " cmd: ./run train");
        }
        stages.put(name, new Stage(name, parent, command, inputs, outputs, after, List.of(), line));
    }

    /** {@code params: [epochs, lr]} (from the flow's params file) or {@code params: [{FILE: [keys]}]}. */
    private void params(Node v, String at, List<Input> into) {
        for (Node item : items(v, at)) {
            if (item instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    String file = path(keyOf(t, at), t.getKeyNode(), at);
                    for (Node k : items(t.getValueNode(), at + "." + file)) {
                        into.add(Input.param(file, text(k, at + "." + file), line(k)));
                    }
                }
            } else {
                into.add(Input.param(paramsFile, text(item, at), line(item)));
            }
        }
    }

    private Input input(String text, Node node, String at) {
        if (text.startsWith("dataset:")) {
            String ref = text.substring("dataset:".length()).strip();
            if (ref.isEmpty() || ref.startsWith("@") || ref.startsWith(":")) {
                throw error(
                        node,
                        at,
                        "'" + text + "' names no dataset: write dataset:NAME@VERSION, e.g."
                                + " dataset:fashion-mnist@v3, @latest or @TAG");
            }
            return Input.dataset(ref, line(node));
        }
        return Input.path(path(text, node, at), line(node));
    }

    /** A relative path inside the project, '/'-separated; a trailing '/' (a folder) is kept. */
    private String path(String text, Node node, String at) {
        String p = text.strip().replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        if (p.isEmpty() || p.equals("/") || p.startsWith("/") || p.matches("^[A-Za-z]:.*")) {
            throw error(
                    node,
                    at,
                    "'" + text + "' is not a path inside the project: write it relative to the folder"
                            + " of keel.yaml, e.g. data/train.csv or weights/");
        }
        for (String part : p.split("/")) {
            if (part.equals("..")) {
                throw error(node, at, "'" + text + "' leaves the project folder: inputs and outputs live inside it");
            }
        }
        return p;
    }

    private List<Node> items(Node v, String at) {
        if (isNull(v)) {
            return List.of();
        }
        if (v instanceof SequenceNode s) {
            return s.getValue();
        }
        if (v instanceof ScalarNode) {
            return List.of(v);
        }
        throw error(v, at, "expected a list, e.g. [data/train.csv, data/test.csv]");
    }

    private String keyOf(NodeTuple t, String at) {
        if (!(t.getKeyNode() instanceof ScalarNode s)) {
            throw error(t.getKeyNode(), at, "a key must be a single word");
        }
        return s.getValue();
    }

    private String text(Node v, String at) {
        if (!(v instanceof ScalarNode s) || isNull(v)) {
            throw error(v, at, "expected a single value (text), not a list, a map or nothing");
        }
        return s.getValue();
    }

    private static boolean isNull(Node v) {
        return v instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    private FlowException error(Node node, String key, String problem) {
        return FlowException.at(source, line(node), key, problem);
    }
}
