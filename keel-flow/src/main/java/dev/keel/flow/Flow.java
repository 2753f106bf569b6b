package dev.keel.flow;

import dev.keel.core.flow.ProjectFlow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stages a keel.yaml declares, with the edges between them: a stage runs after every stage
 * one of whose outputs is (or holds, or lies inside) one of its inputs, and after the stages
 * its {@code after:} names. Refuses cycles, outputs two stages claim and unknown {@code after:}
 * stages when it is made, so a flow that exists can be ordered.
 *
 * <pre>{@code
 * Flow flow = Flow.load(projectDir);            // reads projectDir/keel.yaml
 * for (Stage s : flow.order()) System.out.println(s.name() + ": " + s.command());
 * }</pre>
 */
public final class Flow {
    /** The file a project declares its flow in. */
    public static final String FILE = "keel.yaml";

    private final String source;
    private final String project;
    private final Map<String, Stage> stages;
    private final List<Edge> edges;
    private final List<Stage> order;

    private Flow(String source, String project, Map<String, Stage> stages) {
        this.source = source;
        this.project = project;
        this.stages = stages;
        checkOutputs();
        this.edges = deriveEdges();
        this.order = topological();
    }

    /** The flow of the keel.yaml in {@code projectDir}; an empty flow when that file declares no stages. */
    public static Flow load(Path projectDir) {
        Path file = projectDir.resolve(FILE);
        try {
            return parse(Files.readString(file), FILE);
        } catch (IOException e) {
            throw new FlowException("cannot read " + file + " (" + e.getMessage() + "): run keel repro in a project"
                    + " folder (one holding keel.yaml; keel init makes one)");
        }
    }

    /** The flow of keel.yaml text; {@code source} names the file in messages. */
    public static Flow parse(String yaml, String source) {
        FlowParser.Parsed p = FlowParser.parse(yaml, source);
        return new Flow(source, p.project(), p.stages());
    }

    /** The {@code project:} of keel.yaml, or null. */
    public String project() {
        return project;
    }

    /** Every stage, groups included, in declaration order. */
    public List<Stage> stages() {
        return List.copyOf(stages.values());
    }

    /** The stage of that name, or null. */
    public Stage stage(String name) {
        return stages.get(name);
    }

    public boolean isEmpty() {
        return stages.isEmpty();
    }

    /** The edges between stages with commands, each once, in order. */
    public List<Edge> edges() {
        return edges;
    }

    /** The stages with commands, each after every stage it depends on (declaration order among equals). */
    public List<Stage> order() {
        return order;
    }

    /** The stages with commands {@code target} needs, itself (or a group's sub-stages) included, in order. */
    public List<Stage> upTo(String target) {
        Set<String> want = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(commandsOf(target));
        while (!todo.isEmpty()) {
            String s = todo.pop();
            if (want.add(s)) {
                for (Edge e : edges) {
                    if (e.to().equals(s)) {
                        todo.push(e.from());
                    }
                }
            }
        }
        return order.stream().filter(s -> want.contains(s.name())).toList();
    }

    /** The stages with commands that depend on {@code name}, directly or not (itself excluded). */
    public Set<String> downstreamOf(String name) {
        Set<String> out = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(commandsOf(name));
        while (!todo.isEmpty()) {
            String s = todo.pop();
            for (Edge e : edges) {
                if (e.from().equals(s) && out.add(e.to())) {
                    todo.push(e.to());
                }
            }
        }
        return out;
    }

    /** The stages with commands a name stands for: itself, or every sub-stage of a group. */
    public List<String> commandsOf(String name) {
        Stage s = stages.get(name);
        if (s == null) {
            throw new FlowException("no stage '" + name + "' in " + source + ": its stages are "
                    + String.join(", ", stages.keySet()) + " (keel dag shows the flow)");
        }
        if (!s.isGroup()) {
            return List.of(name);
        }
        List<String> out = new ArrayList<>();
        for (String c : s.children()) {
            out.addAll(commandsOf(c));
        }
        return out;
    }

    /** The stage with a command that declares {@code path} (or a folder holding it) as an output, or null. */
    public Stage producerOf(String path) {
        for (Stage s : order) {
            for (String o : s.outputs()) {
                if (overlaps(o, path)) {
                    return s;
                }
            }
        }
        return null;
    }

    /** What the store keeps of this flow for the dashboard; {@code lastRuns} maps stages to their last run ids. */
    public ProjectFlow toProjectFlow(String projectName, Map<String, String> lastRuns, long now) {
        List<ProjectFlow.Stage> out = new ArrayList<>();
        for (Stage s : stages.values()) {
            out.add(new ProjectFlow.Stage(
                    s.name(),
                    s.parent(),
                    s.isGroup() ? "" : s.command(),
                    s.inputs().stream().map(Input::key).toList(),
                    s.outputs(),
                    lastRuns.get(s.name())));
        }
        List<ProjectFlow.Edge> es = new ArrayList<>();
        for (Edge e : edges) {
            es.add(new ProjectFlow.Edge(e.from(), e.to(), e.via()));
        }
        return new ProjectFlow(projectName, out, es, now);
    }

    /** Whether two project paths are the same, or one is a folder holding the other. */
    static boolean overlaps(String a, String b) {
        String x = strip(a);
        String y = strip(b);
        return x.equals(y) || y.startsWith(x + "/") || x.startsWith(y + "/");
    }

    static String strip(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private void checkOutputs() {
        Map<String, Stage> claimed = new LinkedHashMap<>();
        for (Stage s : stages.values()) {
            for (String o : s.outputs()) {
                for (Map.Entry<String, Stage> c : claimed.entrySet()) {
                    if (overlaps(c.getKey(), o)) {
                        String same = strip(c.getKey()).equals(strip(o)) ? "is also" : "overlaps '" + c.getKey() + "',";
                        throw FlowException.at(
                                source,
                                s.line(),
                                "stages." + s.name() + ".outputs",
                                "'" + o + "' " + same + " an output of stage '"
                                        + c.getValue().name() + "' (line "
                                        + c.getValue().line() + "): an output belongs to one stage; write it from one"
                                        + " of them, or give one of them another path");
                    }
                }
                for (Input in : s.inputs()) {
                    if (in.kind() == Input.Kind.PATH && overlaps(in.path(), o)) {
                        throw FlowException.at(
                                source,
                                s.line(),
                                "stages." + s.name(),
                                "output '" + o + "' overlaps its own input '" + in.path() + "': a stage cannot read"
                                        + " what it writes; give the output another path");
                    }
                }
            }
            for (String o : s.outputs()) {
                claimed.put(o, s);
            }
            for (String a : s.after()) {
                if (!stages.containsKey(a)) {
                    throw FlowException.at(
                            source,
                            s.line(),
                            "stages." + s.name() + ".after",
                            "no stage '" + a + "': after: names stages of this flow ("
                                    + String.join(", ", stages.keySet()) + ")");
                }
            }
        }
    }

    private List<Edge> deriveEdges() {
        Set<Edge> out = new LinkedHashSet<>();
        for (Stage to : stages.values()) {
            if (to.isGroup()) {
                continue;
            }
            for (Input in : to.inputs()) {
                if (in.kind() != Input.Kind.PATH) {
                    continue;
                }
                for (Stage from : stages.values()) {
                    for (String o : from.outputs()) {
                        if (from != to && overlaps(o, in.path())) {
                            out.add(new Edge(from.name(), to.name(), in.path()));
                        }
                    }
                }
            }
            // after: on the stage itself or on any group it sits in
            for (Stage holder = to;
                    holder != null;
                    holder = holder.parent() == null ? null : stages.get(holder.parent())) {
                for (String a : holder.after()) {
                    for (String from : commandsOf(a)) {
                        if (!from.equals(to.name())) {
                            out.add(new Edge(from, to.name(), "after"));
                        }
                    }
                }
            }
        }
        // an after: edge another path already implies (a group's after: reaching a sub-stage that
        // runs after its sibling) says nothing more, and would clutter every drawing
        List<Edge> all = new ArrayList<>(out);
        all.removeIf(e -> e.via().equals("after") && reaches(all, e.from(), e.to(), e));
        return List.copyOf(all);
    }

    /** Whether {@code to} can be reached from {@code from} along {@code edges} without {@code skip}. */
    private static boolean reaches(List<Edge> edges, String from, String to, Edge skip) {
        Deque<String> todo = new ArrayDeque<>(List.of(from));
        Set<String> seen = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            String at = todo.pop();
            for (Edge e : edges) {
                if (e != skip && e.from().equals(at) && seen.add(e.to())) {
                    if (e.to().equals(to)) {
                        return true;
                    }
                    todo.push(e.to());
                }
            }
        }
        return false;
    }

    private List<Stage> topological() {
        List<Stage> runnable =
                stages.values().stream().filter(s -> !s.isGroup()).toList();
        Map<String, Integer> waiting = new LinkedHashMap<>();
        for (Stage s : runnable) {
            waiting.put(s.name(), 0);
        }
        Set<Edge> distinct = new LinkedHashSet<>();
        for (Edge e : edges) {
            distinct.add(new Edge(e.from(), e.to(), ""));
        }
        for (Edge e : distinct) {
            waiting.merge(e.to(), 1, Integer::sum);
        }
        List<Stage> out = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Stage s : runnable) {
                if (!done.contains(s.name()) && waiting.get(s.name()) == 0) {
                    done.add(s.name());
                    out.add(s);
                    for (Edge e : distinct) {
                        if (e.from().equals(s.name())) {
                            waiting.merge(e.to(), -1, Integer::sum);
                        }
                    }
                    progress = true;
                    break;
                }
            }
        }
        if (out.size() < runnable.size()) {
            throw cycle(runnable, done);
        }
        return List.copyOf(out);
    }

    /** Names one cycle among the stages not ordered, with the inputs that close it. */
    private FlowException cycle(List<Stage> runnable, Set<String> done) {
        String start = runnable.stream()
                .map(Stage::name)
                .filter(n -> !done.contains(n))
                .findFirst()
                .orElseThrow();
        // every stage left has a predecessor left: walking back from one must meet a stage twice
        List<Edge> back = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        String at = start;
        while (!seen.contains(at)) {
            seen.add(at);
            String here = at;
            Edge prev = edges.stream()
                    .filter(e -> e.to().equals(here) && !done.contains(e.from()))
                    .findFirst()
                    .orElseThrow();
            back.add(prev);
            at = prev.from();
        }
        List<Edge> loopEdges = new ArrayList<>(back.subList(seen.indexOf(at), back.size()));
        Collections.reverse(loopEdges);
        StringBuilder loop = new StringBuilder(at);
        StringBuilder why = new StringBuilder();
        for (Edge e : loopEdges) {
            loop.append(" → ").append(e.to());
            why.append(why.length() == 0 ? "" : ", ")
                    .append(e.to())
                    .append(
                            e.via().equals("after")
                                    ? " runs after " + e.from()
                                    : " reads " + e.via() + " of " + e.from());
        }
        return FlowException.at(
                source,
                stages.get(at).line(),
                "stages",
                "the stages form a cycle: " + loop + " (" + why + "): a stage cannot depend on its own outputs; remove"
                        + " one of these inputs or after: entries");
    }
}
