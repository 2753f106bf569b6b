package dev.keel.cli;

import dev.keel.cli.table.Table;
import dev.keel.core.ByteSizes;
import dev.keel.core.Json;
import dev.keel.core.model.AliasMove;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelStore;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.RegisteredModel;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** How {@code keel model …} prints models and versions: JSON objects, tables and text. */
final class ModelJson {
    private ModelJson() {}

    static Map<String, Object> model(RegisteredModel m, ModelStore models) {
        List<ModelVersion> versions = models.versions(m.name());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", m.name());
        out.put("project", m.project());
        out.put("owner", m.owner());
        out.put("description", m.description());
        out.put("tags", m.tags());
        out.put(
                "latest",
                versions.isEmpty() ? 0 : versions.get(versions.size() - 1).version());
        out.put("versions", versions.size());
        out.put("aliases", models.aliases(m.name()));
        out.put("created_at", m.createdAt());
        out.put("updated_at", m.updatedAt());
        return out;
    }

    static Map<String, Object> version(ModelVersion v, Map<String, Integer> aliases) {
        Map<String, Object> lineage = new LinkedHashMap<>();
        lineage.put("run", v.lineage().runId());
        lineage.put("datasets", v.lineage().datasets());
        lineage.put("commit", v.lineage().commit());
        lineage.put("config", v.lineage().config());
        lineage.put("metrics", v.lineage().metrics());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", v.model());
        out.put("version", v.version());
        out.put("ref", v.ref());
        out.put("aliases", aliasesOf(v, aliases));
        out.put(
                "files",
                v.files().stream()
                        .map(f -> Map.of("path", f.path(), "hash", f.hash(), "size", f.size()))
                        .toList());
        out.put("lineage", lineage);
        out.put("signature", v.signature());
        out.put("tags", v.tags());
        out.put("description", v.description());
        out.put("created_by", v.createdBy());
        out.put("created_at", v.createdAt());
        return out;
    }

    static Table versionsTable(List<ModelVersion> versions, Map<String, Integer> aliases) {
        Table t = new Table()
                .column("version", "Version", "", false)
                .column("aliases", "Aliases", "", false)
                .column("created", "Created", "", false)
                .column("by", "By", "", false)
                .column("run", "Run", "", false)
                .column("size", "Size", "", true)
                .column("description", "Description", "", false);
        for (ModelVersion v : versions) {
            t.row(List.of(
                    "v" + v.version(),
                    String.join(", ", aliasesOf(v, aliases)),
                    time(v.createdAt()),
                    v.createdBy(),
                    v.lineage().runId(),
                    ByteSizes.iec(v.size()),
                    v.description()));
        }
        return t;
    }

    static String describe(ModelVersion v, Map<String, Integer> aliases, List<AliasMove> moves) {
        StringBuilder b = new StringBuilder();
        b.append(v.ref());
        List<String> mine = aliasesOf(v, aliases);
        if (!mine.isEmpty()) {
            b.append("  (")
                    .append(mine.stream().map(a -> "@" + a).collect(Collectors.joining(", ")))
                    .append(')');
        }
        b.append('\n');
        line(b, "description", v.description());
        line(b, "registered", time(v.createdAt()) + (v.createdBy().isEmpty() ? "" : " by " + v.createdBy()));
        line(b, "run", v.lineage().runId());
        line(b, "datasets", String.join(", ", v.lineage().datasets()));
        line(b, "commit", v.lineage().commit());
        line(b, "signature", v.signature());
        line(
                b,
                "config",
                v.lineage().config().isEmpty() ? "" : Json.write(v.lineage().config()));
        line(
                b,
                "metrics",
                v.lineage().metrics().isEmpty() ? "" : Json.write(v.lineage().metrics()));
        line(b, "tags", v.tags().isEmpty() ? "" : Json.write(v.tags()));
        b.append("files:\n");
        for (ModelFile f : v.files()) {
            b.append("  ")
                    .append(f.path())
                    .append("  ")
                    .append(ByteSizes.iec(f.size()))
                    .append("  ")
                    .append(f.hash())
                    .append('\n');
        }
        List<AliasMove> here = moves.stream()
                .filter(m -> m.version() == v.version() || m.from() == v.version())
                .toList();
        if (!here.isEmpty()) {
            b.append("alias moves:\n");
            for (AliasMove m : here) {
                b.append("  ")
                        .append(time(m.movedAt()))
                        .append("  @")
                        .append(m.alias())
                        .append(' ')
                        .append(m.from() == 0 ? "new" : "v" + m.from())
                        .append(" -> ")
                        .append(m.version() == 0 ? "removed" : "v" + m.version())
                        .append(m.movedBy().isEmpty() ? "" : " by " + m.movedBy())
                        .append('\n');
            }
        }
        return b.toString();
    }

    static String aliasText(Map<String, Integer> aliases) {
        return aliases.entrySet().stream()
                .map(e -> "@" + e.getKey() + "=v" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    static String time(long millis) {
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static List<String> aliasesOf(ModelVersion v, Map<String, Integer> aliases) {
        return aliases.entrySet().stream()
                .filter(e -> e.getValue() == v.version())
                .map(Map.Entry::getKey)
                .toList();
    }

    private static void line(StringBuilder b, String key, String value) {
        if (value != null && !value.isEmpty()) {
            b.append(key).append(": ").append(value).append('\n');
        }
    }
}
