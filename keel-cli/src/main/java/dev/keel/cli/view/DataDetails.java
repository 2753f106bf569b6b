package dev.keel.cli.view;

import dev.keel.core.ByteSizes;
import dev.keel.core.RunInfo;
import dev.keel.core.data.RunInput;
import dev.keel.data.DatasetDetails;
import dev.keel.data.FileEntry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code keel data show REF} prints: the dataset and version, its files with sizes, and the
 * runs that used it ({@code runs} holds those still in the store, by id).
 */
public record DataDetails(DatasetDetails details, Map<String, RunInfo> runs) {

    public String text() {
        var d = details.dataset();
        var v = details.version();
        StringBuilder out = new StringBuilder();
        pair(out, "Version", v.ref() + "  " + v.hash());
        pair(out, "Tags", String.join(", ", details.tags()));
        pair(out, "Message", v.message());
        pair(out, "Author", v.author());
        pair(out, "Created", Values.time(v.createdAt()));
        pair(out, "Parent", v.parent() > 0 ? v.dataset() + ":v" + v.parent() : "");
        pair(out, "Contents", v.fileCount() + " files, " + ByteSizes.iec(v.totalBytes()));
        pair(
                out,
                "Dataset",
                d.name() + " (" + d.visibility().id() + (d.owner().isEmpty() ? "" : ", owner " + d.owner()) + ")");
        pair(out, "About", d.description());
        out.append("\nFiles");
        if (details.files().isEmpty()) {
            out.append(" (none)\n");
        } else {
            out.append('\n');
            int width = details.files().stream()
                    .mapToInt(f -> ByteSizes.iec(f.size()).length())
                    .max()
                    .orElse(0);
            for (FileEntry f : details.files()) {
                String size = f.type().equals("file") ? ByteSizes.iec(f.size()) : f.type();
                out.append("  ")
                        .append(" ".repeat(Math.max(0, width - size.length())))
                        .append(size)
                        .append("  ")
                        .append(f.path())
                        .append('\n');
            }
        }
        out.append("\nRuns");
        if (details.runs().isEmpty()) {
            out.append(" (none)\n");
        } else {
            out.append('\n');
            for (RunInput in : details.runs()) {
                RunInfo run = runs.get(in.runId());
                out.append("  ")
                        .append(in.runId())
                        .append("  ")
                        .append(
                                run == null
                                        ? "(removed)"
                                        : run.name() + "  " + run.project() + "  "
                                                + run.state().label())
                        .append("  used ")
                        .append(Values.time(in.usedAt()))
                        .append('\n');
            }
        }
        return out.toString();
    }

    public Map<String, Object> json() {
        Map<String, Object> out = DataTables.version(details.version(), details.tags());
        var d = details.dataset();
        out.put("visibility", d.visibility().id());
        out.put("owner", d.owner());
        out.put("description", d.description());
        List<Map<String, Object>> files = new ArrayList<>();
        for (FileEntry f : details.files()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path());
            m.put("type", f.type());
            m.put("mode", Integer.toOctalString(f.mode()));
            m.put("size", f.size());
            m.put("hash", f.hash().isEmpty() ? null : f.hash());
            m.put("chunks", f.chunks());
            files.add(m);
        }
        out.put("file_list", files);
        List<Map<String, Object>> used = new ArrayList<>();
        for (RunInput in : details.runs()) {
            RunInfo run = runs.get(in.runId());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run_id", in.runId());
            m.put("name", run == null ? null : run.name());
            m.put("project", run == null ? null : run.project());
            m.put("used_at", Values.isoTime(in.usedAt()));
            used.add(m);
        }
        out.put("runs", used);
        return out;
    }

    private static void pair(StringBuilder out, String label, String value) {
        if (value != null && !value.isEmpty()) {
            out.append(String.format("%-9s %s%n", label + ":", value));
        }
    }
}
