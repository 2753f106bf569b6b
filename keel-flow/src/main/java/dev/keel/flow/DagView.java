package dev.keel.flow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A flow drawn as text: a tree for the terminal ({@link #text}), Mermaid ({@link #mermaid}) and
 * Graphviz DOT ({@link #dot}). In the tree every stage hangs under the stages it runs after; one
 * with several of those is drawn in full under the first and named again under the others.
 */
public final class DagView {
    private DagView() {}

    /** The tree for a terminal. */
    public static String text(Flow flow) {
        StringBuilder out = new StringBuilder();
        if (flow.order().isEmpty()) {
            return "keel.yaml declares no stages: add a stages: section (docs/flow.md)\n";
        }
        Set<String> drawn = new LinkedHashSet<>();
        for (Stage s : flow.order()) {
            if (parents(flow, s.name()).isEmpty()) {
                node(flow, s, null, "", "", drawn, out);
            }
        }
        return out.toString();
    }

    private static void node(
            Flow flow, Stage s, Edge via, String lead, String childLead, Set<String> drawn, StringBuilder out) {
        out.append(lead).append(s.name());
        if (s.parent() != null) {
            out.append(" [").append(s.parent()).append(']');
        }
        if (drawn.contains(s.name())) {
            out.append("  (drawn above)");
            out.append(via == null ? "" : "  ← " + via(via)).append('\n');
            return;
        }
        drawn.add(s.name());
        out.append("  $ ").append(s.command());
        if (via != null) {
            out.append("  ← ").append(via(via));
        }
        if (!s.outputs().isEmpty()) {
            out.append("  → ").append(String.join(", ", s.outputs()));
        }
        out.append('\n');
        List<Edge> kids = children(flow, s.name());
        for (int i = 0; i < kids.size(); i++) {
            boolean last = i == kids.size() - 1;
            node(
                    flow,
                    flow.stage(kids.get(i).to()),
                    kids.get(i),
                    childLead + (last ? "└─▶ " : "├─▶ "),
                    childLead + (last ? "    " : "│   "),
                    drawn,
                    out);
        }
    }

    private static String via(Edge e) {
        return e.via().equals("after") ? "after " + e.from() : e.via();
    }

    /** The edges out of a stage, one per stage it leads to (the first input naming it). */
    private static List<Edge> children(Flow flow, String name) {
        Map<String, Edge> out = new LinkedHashMap<>();
        for (Edge e : flow.edges()) {
            if (e.from().equals(name)) {
                out.putIfAbsent(e.to(), e);
            }
        }
        List<Edge> ordered = new ArrayList<>();
        for (Stage s : flow.order()) {
            if (out.containsKey(s.name())) {
                ordered.add(out.get(s.name()));
            }
        }
        return ordered;
    }

    private static Set<String> parents(Flow flow, String name) {
        Set<String> out = new LinkedHashSet<>();
        for (Edge e : flow.edges()) {
            if (e.to().equals(name)) {
                out.add(e.from());
            }
        }
        return out;
    }

    /** A Mermaid flowchart; groups become subgraphs. */
    public static String mermaid(Flow flow) {
        StringBuilder out = new StringBuilder("flowchart TD\n");
        Map<String, String> ids = ids(flow);
        mermaidMembers(flow, null, ids, "  ", out);
        for (Edge e : distinct(flow)) {
            out.append("  ")
                    .append(ids.get(e.from()))
                    .append(" -->|")
                    .append(mermaidText(via(e)))
                    .append("| ")
                    .append(ids.get(e.to()))
                    .append('\n');
        }
        return out.toString();
    }

    private static void mermaidMembers(
            Flow flow, String parent, Map<String, String> ids, String indent, StringBuilder out) {
        for (Stage s : flow.stages()) {
            if (!same(parent, s.parent())) {
                continue;
            }
            if (s.isGroup()) {
                out.append(indent)
                        .append("subgraph ")
                        .append(ids.get(s.name()))
                        .append(" [\"")
                        .append(mermaidText(s.name()))
                        .append("\"]\n");
                mermaidMembers(flow, s.name(), ids, indent + "  ", out);
                out.append(indent).append("end\n");
            } else {
                out.append(indent)
                        .append(ids.get(s.name()))
                        .append("[\"")
                        .append(mermaidText(s.name()))
                        .append("\"]\n");
            }
        }
    }

    /** Graphviz DOT; groups become clusters. */
    public static String dot(Flow flow) {
        StringBuilder out = new StringBuilder("digraph flow {\n  rankdir=TB;\n  node [shape=box];\n");
        dotMembers(flow, null, "  ", out);
        for (Edge e : distinct(flow)) {
            out.append("  ")
                    .append(quote(e.from()))
                    .append(" -> ")
                    .append(quote(e.to()))
                    .append(" [label=")
                    .append(quote(via(e)))
                    .append("];\n");
        }
        return out.append("}\n").toString();
    }

    private static void dotMembers(Flow flow, String parent, String indent, StringBuilder out) {
        for (Stage s : flow.stages()) {
            if (!same(parent, s.parent())) {
                continue;
            }
            if (s.isGroup()) {
                out.append(indent)
                        .append("subgraph ")
                        .append(quote("cluster_" + s.name()))
                        .append(" {\n");
                out.append(indent).append("  label=").append(quote(s.name())).append(";\n");
                dotMembers(flow, s.name(), indent + "  ", out);
                out.append(indent).append("}\n");
            } else {
                out.append(indent).append(quote(s.name())).append(";\n");
            }
        }
    }

    private static List<Edge> distinct(Flow flow) {
        Map<String, Edge> out = new LinkedHashMap<>();
        for (Edge e : flow.edges()) {
            out.putIfAbsent(e.from() + "\0" + e.to(), e);
        }
        return List.copyOf(out.values());
    }

    /** Mermaid ids: stage names with anything but letters, digits and '_' replaced. */
    private static Map<String, String> ids(Flow flow) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> used = new LinkedHashSet<>();
        for (Stage s : flow.stages()) {
            String id = s.name().replaceAll("[^A-Za-z0-9_]", "_");
            while (!used.add(id)) {
                id = id + "_";
            }
            out.put(s.name(), id);
        }
        return out;
    }

    private static String mermaidText(String s) {
        return s.replace("\"", "#quot;").replace("|", "#124;");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }
}
