package dev.keel.core.flow;

import dev.keel.core.KeelException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A project's flow as {@code keel repro} (or {@code keel dag --record}) last recorded it: its
 * stages (command, inputs, outputs, the group a sub-stage belongs to, the run that last executed
 * it) and the edges between them. What the dashboard draws; the lock file stays the source of
 * truth for staleness.
 *
 * <pre>{@code
 * store.saveFlow(new ProjectFlow("apparel", List.of(new ProjectFlow.Stage("train", null,
 *         "./run train", List.of("data/"), List.of("weights/"), "6v8m5w0s")), List.of(), now));
 * store.flow("apparel").ifPresent(f -> f.stages().forEach(s -> System.out.println(s.name())));
 * }</pre>
 *
 * <p>The wire form ({@link #toMap}, {@link #fromMap}) is {@code {project, recorded_at,
 * stages: [{name, parent, command, inputs, outputs, last_run}], edges: [{from, to, via}]}}.
 */
public record ProjectFlow(String project, List<Stage> stages, List<Edge> edges, long recordedAt) {

    /**
     * One stage. {@code parent} names the group stage it belongs to (null at the top level; a
     * group has no command of its own); {@code lastRun} is the id of the run that last executed
     * it, null when none did.
     */
    public record Stage(
            String name, String parent, String command, List<String> inputs, List<String> outputs, String lastRun) {
        public Stage {
            if (name == null || name.isBlank()) {
                throw KeelException.invalid("a flow stage needs a name");
            }
            command = command == null ? "" : command;
            inputs = List.copyOf(inputs == null ? List.of() : inputs);
            outputs = List.copyOf(outputs == null ? List.of() : outputs);
        }

        /** The same stage with another last run. */
        public Stage withLastRun(String runId) {
            return new Stage(name, parent, command, inputs, outputs, runId);
        }
    }

    /** {@code to} depends on {@code from}: it reads {@code via} (an output of {@code from}, or "after"). */
    public record Edge(String from, String to, String via) {
        public Edge {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            via = via == null ? "" : via;
        }
    }

    public ProjectFlow {
        if (project == null || project.isBlank()) {
            throw KeelException.invalid("a flow needs its project");
        }
        stages = List.copyOf(stages == null ? List.of() : stages);
        edges = List.copyOf(edges == null ? List.of() : edges);
    }

    /** The stage of that name, or null. */
    public Stage stage(String name) {
        for (Stage s : stages) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The same flow with one stage's last run replaced (unknown stages change nothing). */
    public ProjectFlow withLastRun(String stage, String runId) {
        List<Stage> out = new ArrayList<>();
        for (Stage s : stages) {
            out.add(s.name().equals(stage) ? s.withLastRun(runId) : s);
        }
        return new ProjectFlow(project, out, edges, recordedAt);
    }

    /** The wire form: plain maps and lists, in a stable order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("project", project);
        m.put("recorded_at", recordedAt);
        List<Object> ss = new ArrayList<>();
        for (Stage s : stages) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", s.name());
            x.put("parent", s.parent());
            x.put("command", s.command());
            x.put("inputs", s.inputs());
            x.put("outputs", s.outputs());
            x.put("last_run", s.lastRun());
            ss.add(x);
        }
        m.put("stages", ss);
        List<Object> es = new ArrayList<>();
        for (Edge e : edges) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("from", e.from());
            x.put("to", e.to());
            x.put("via", e.via());
            es.add(x);
        }
        m.put("edges", es);
        return m;
    }

    /** Reads the wire form; {@code project} wins over the one inside (a route's path names it). */
    public static ProjectFlow fromMap(Map<?, ?> m, String project) {
        if (m == null) {
            throw KeelException.invalid("a flow must be a JSON object {project, stages, edges}");
        }
        List<Stage> stages = new ArrayList<>();
        for (Object o : list(m.get("stages"), "stages")) {
            if (!(o instanceof Map<?, ?> s)) {
                throw KeelException.invalid(
                        "each of a flow's stages must be an object {name, command, inputs, outputs}");
            }
            stages.add(new Stage(
                    text(s.get("name")),
                    text(s.get("parent")),
                    text(s.get("command")),
                    strings(s.get("inputs"), "inputs"),
                    strings(s.get("outputs"), "outputs"),
                    text(s.get("last_run"))));
        }
        List<Edge> edges = new ArrayList<>();
        for (Object o : list(m.get("edges"), "edges")) {
            if (!(o instanceof Map<?, ?> e) || text(e.get("from")) == null || text(e.get("to")) == null) {
                throw KeelException.invalid("each of a flow's edges must be an object {from, to, via}");
            }
            edges.add(new Edge(text(e.get("from")), text(e.get("to")), text(e.get("via"))));
        }
        long at = m.get("recorded_at") instanceof Number n ? n.longValue() : 0;
        String p = project != null ? project : text(m.get("project"));
        return new ProjectFlow(p, stages, edges, at);
    }

    private static List<?> list(Object o, String what) {
        if (o == null) {
            return List.of();
        }
        if (o instanceof List<?> l) {
            return l;
        }
        throw KeelException.invalid("a flow's '" + what + "' must be a list");
    }

    private static List<String> strings(Object o, String what) {
        List<String> out = new ArrayList<>();
        for (Object x : list(o, what)) {
            out.add(String.valueOf(x));
        }
        return out;
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }
}
