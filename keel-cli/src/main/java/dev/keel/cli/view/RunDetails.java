package dev.keel.cli.view;

import dev.keel.core.ByteSizes;
import dev.keel.core.JsonText;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.data.RunInput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code keel run show} prints about one run: identity and state, config, summary,
 * provenance, dataset inputs, files and the metric keys, as text for people or as one JSON object (the
 * runs contract plus {@code group, host, pid, ended_at, heartbeat_at, provenance, inputs, files, metrics}).
 * The text shows numbers as logged, says how a summary value that is not the last one logged came
 * to be ({@code summaryNotes}, see {@link SummaryNotes}), and prints the command once with its
 * class path counted, unless {@code full}. Sizes ({@code …_bytes}) read in binary units.
 */
public record RunDetails(
        RunInfo run,
        Map<String, Object> provenance,
        List<RunFile> files,
        List<String> metrics,
        List<RunInput> inputs,
        Map<String, String> summaryNotes) {

    public RunDetails(
            RunInfo run,
            Map<String, Object> provenance,
            List<RunFile> files,
            List<String> metrics,
            List<RunInput> inputs) {
        this(run, provenance, files, metrics, inputs, Map.of());
    }

    public Map<String, Object> json(long now) {
        Map<String, Object> out = RunJson.of(run, now);
        out.put("group", run.group().isEmpty() ? null : run.group());
        out.put("host", run.host());
        out.put("pid", run.pid());
        out.put("ended_at", Values.isoTime(run.endedAt()));
        out.put("heartbeat_at", Values.isoTime(run.heartbeatAt()));
        out.put("provenance", JsonText.encodeNonFinite(provenance));
        out.put("inputs", DataResults.inputsJson(inputs));
        List<Map<String, Object>> fileList = new ArrayList<>();
        for (RunFile f : files) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("name", f.name());
            file.put("hash", f.hash());
            file.put("size", f.size());
            file.put("kind", f.kind());
            file.put("created_at", Values.isoTime(f.createdAt()));
            fileList.add(file);
        }
        out.put("files", fileList);
        out.put("metrics", metrics);
        return out;
    }

    /** The state, with why its sweep stopped it for a {@code stopped} run. */
    static String stateText(RunInfo run) {
        Object reason = run.summary().get(RunState.STOP_REASON_KEY);
        return run.state() == RunState.STOPPED && reason instanceof String r && !r.isBlank()
                ? run.state().label() + " (" + r + ")"
                : run.state().label();
    }

    public String text(long now) {
        return text(now, false);
    }

    /** @param full the command's whole class path and its argument list as recorded */
    public String text(long now, boolean full) {
        StringBuilder out = new StringBuilder();
        pair(out, "Run", run.id() + "  " + run.name());
        pair(out, "Project", run.project());
        pair(out, "State", stateText(run));
        pair(out, "User", run.user());
        pair(out, "Host", run.host() + (run.pid() > 0 ? " (pid " + run.pid() + ")" : ""));
        pair(out, "Created", Values.time(run.createdAt()));
        if (run.endedAt() > 0) {
            pair(out, "Ended", Values.time(run.endedAt()));
        }
        pair(out, "Runtime", Values.duration(RunTimes.runtimeMs(run, now)));
        pair(out, "Group", run.group());
        pair(out, "Sweep", run.sweep());
        // a reproduction names the run it re-ran (keel reproduce)
        pair(out, "Reproduces", provenance.get("reproduces") instanceof String r ? r : null);
        pair(out, "Tags", String.join(", ", run.tags()));
        pair(out, "Notes", run.notes());
        if (!run.problems().isEmpty()) {
            // what the run could not record: a finished run with lost points is not a whole record
            pair(out, "Problems", String.join("\n" + " ".repeat(10), run.problems()));
        }
        section(out, "Config", Flatten.flatten(run.config()), Map.of());
        section(out, "Summary", Flatten.flatten(run.summary()), summaryNotes);
        section(
                out,
                "Provenance",
                full ? Flatten.flatten(provenance) : foldedCommand(Flatten.flatten(provenance)),
                Map.of());
        out.append("\nInputs");
        if (inputs.isEmpty()) {
            out.append(" (none)\n");
        } else {
            out.append('\n');
            for (RunInput in : inputs) {
                out.append("  ").append(DataResults.input(in)).append('\n');
            }
        }
        out.append("\nFiles");
        if (files.isEmpty()) {
            out.append(" (none)\n");
        } else {
            out.append('\n');
            for (RunFile f : files) {
                out.append("  ")
                        .append(f.name())
                        .append("  ")
                        .append(ByteSizes.iec(f.size()))
                        .append("  ")
                        .append(f.kind())
                        .append("  ")
                        .append(f.hash())
                        .append('\n');
            }
        }
        out.append("\nMetrics");
        out.append(metrics.isEmpty() ? " (none)\n" : "\n  " + String.join(", ", metrics) + "\n");
        return out.toString();
    }

    private static void pair(StringBuilder out, String label, String value) {
        if (value != null && !value.isEmpty()) {
            out.append(String.format("%-9s %s%n", label + ":", value));
        }
    }

    /** The command line once (not again as its word list), its class path counted. */
    private static Map<String, Object> foldedCommand(Map<String, Object> provenance) {
        Map<String, Object> out = new LinkedHashMap<>(provenance);
        Object argv = out.remove("command.argv");
        if (argv instanceof List<?> words && out.containsKey("command.command_line")) {
            String shortened =
                    CommandLines.shortened(words.stream().map(String::valueOf).toList());
            boolean folded = !shortened.equals(String.valueOf(out.get("command.command_line")));
            out.put("command.command_line", shortened + (folded ? "   (keel run show --full: all of it)" : ""));
        }
        return out;
    }

    private static void section(
            StringBuilder out, String title, Map<String, Object> values, Map<String, String> notes) {
        out.append('\n').append(title);
        if (values.isEmpty()) {
            out.append(" (none)\n");
            return;
        }
        out.append('\n');
        int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
        String indent = " ".repeat(width + 4);
        values.forEach((k, v) -> {
            out.append("  ").append(k).append(" ".repeat(width - k.length())).append("  ");
            String text =
                    (k.endsWith("_bytes") && v instanceof Number n ? ByteSizes.iec(n.longValue()) : Values.asLogged(v))
                            + (notes.containsKey(k) ? "  " + notes.get(k) : "");
            if (v instanceof List<?> list
                    && text.length() > 60
                    && list.stream().noneMatch(e -> e instanceof Map<?, ?> || e instanceof List<?>)) {
                // Long lists (dependencies…) read better one item a line.
                for (int i = 0; i < list.size(); i++) {
                    out.append(i == 0 ? "" : indent)
                            .append(Values.asLogged(list.get(i)))
                            .append('\n');
                }
            } else {
                out.append(text.replace("\n", "\n" + indent)).append('\n');
            }
        });
    }
}
