package dev.keel.cli.view;

import dev.keel.cli.table.Table;
import dev.keel.core.ByteSizes;
import dev.keel.core.data.DatasetVersion;
import dev.keel.data.DatasetSummary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The tables of {@code keel data ls} and {@code keel data log}, and their JSON forms. */
public final class DataTables {
    private DataTables() {}

    /** One row per dataset: Name, Versions, Latest, Files, Size, Updated, Visibility, Owner, Description. */
    public static Table datasets(List<DatasetSummary> datasets, boolean exact) {
        Table t = new Table()
                .column("name", "Name", null, false, false, 0)
                .column("versions", "Versions", null, true, false, 0)
                .column("latest", "Latest", null, false, false, 0)
                .column("files", "Files", null, true, false, 0)
                .column("size", "Size", null, !exact, false, 0)
                .column("updated", "Updated", null, false, false, 2)
                .column("visibility", "Visibility", null, false, false, 3)
                .column("owner", "Owner", null, false, true, 4)
                .column("description", "Description", null, false, true, 5);
        for (DatasetSummary s : datasets) {
            DatasetVersion v = s.latest();
            List<String> row = new ArrayList<>();
            row.add(s.dataset().name());
            row.add(Integer.toString(s.versions()));
            row.add(v == null ? "" : "v" + v.number());
            row.add(v == null ? "" : Long.toString(v.fileCount()));
            row.add(v == null ? "" : size(v.totalBytes(), exact));
            row.add(v == null ? "" : time(v.createdAt(), exact));
            row.add(s.dataset().visibility().id());
            row.add(s.dataset().owner());
            row.add(s.dataset().description());
            t.row(row);
        }
        return t;
    }

    /** One row per version, newest first: Version, Hash, Author, Created, Files, Size, Tags, Message. */
    public static Table versions(List<DatasetVersion> versions, Map<String, Integer> tags, boolean exact) {
        Map<Integer, List<String>> tagsByNumber = byNumber(tags);
        Table t = new Table()
                .column("version", "Version", null, false, false, 0)
                .column("hash", "Hash", null, false, false, 0)
                .column("author", "Author", null, false, true, 3)
                .column("created", "Created", null, false, false, 2)
                .column("files", "Files", null, true, false, 0)
                .column("size", "Size", null, !exact, false, 0)
                .column("tags", "Tags", null, false, true, 1)
                .column("message", "Message", null, false, true, 0);
        for (DatasetVersion v : versions) {
            t.row(List.of(
                    "v" + v.number(),
                    exact ? v.hash() : v.shortHash(),
                    v.author(),
                    time(v.createdAt(), exact),
                    Long.toString(v.fileCount()),
                    size(v.totalBytes(), exact),
                    String.join(exact ? ";" : ", ", tagsByNumber.getOrDefault(v.number(), List.of())),
                    v.message()));
        }
        return t;
    }

    public static List<Map<String, Object>> datasetsJson(List<DatasetSummary> datasets) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (DatasetSummary s : datasets) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.dataset().name());
            m.put("owner", s.dataset().owner());
            m.put("description", s.dataset().description());
            m.put("visibility", s.dataset().visibility().id());
            m.put("created_at", Values.isoTime(s.dataset().createdAt()));
            m.put("versions", s.versions());
            m.put("latest", s.latest() == null ? null : version(s.latest(), List.of()));
            out.add(m);
        }
        return out;
    }

    public static List<Map<String, Object>> versionsJson(List<DatasetVersion> versions, Map<String, Integer> tags) {
        Map<Integer, List<String>> tagsByNumber = byNumber(tags);
        return versions.stream()
                .map(v -> version(v, tagsByNumber.getOrDefault(v.number(), List.of())))
                .toList();
    }

    /** A version in JSON: {@code {ref, dataset, version, hash, message, author, created_at, files, bytes, parent, tags}}. */
    public static Map<String, Object> version(DatasetVersion v, List<String> tags) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", v.ref());
        m.put("dataset", v.dataset());
        m.put("version", v.number());
        m.put("hash", v.hash());
        m.put("message", v.message());
        m.put("author", v.author());
        m.put("created_at", Values.isoTime(v.createdAt()));
        m.put("files", v.fileCount());
        m.put("bytes", v.totalBytes());
        m.put("parent", v.parent() > 0 ? v.dataset() + ":v" + v.parent() : null);
        m.put("tags", tags);
        return m;
    }

    static Map<Integer, List<String>> byNumber(Map<String, Integer> tags) {
        Map<Integer, List<String>> out = new TreeMap<>();
        new TreeMap<>(tags)
                .forEach((tag, n) ->
                        out.computeIfAbsent(n, k -> new ArrayList<>()).add(tag));
        return out;
    }

    private static String size(long bytes, boolean exact) {
        return exact ? Long.toString(bytes) : ByteSizes.iec(bytes);
    }

    private static String time(long ms, boolean exact) {
        return exact ? Values.isoCell(ms) : Values.time(ms);
    }
}
