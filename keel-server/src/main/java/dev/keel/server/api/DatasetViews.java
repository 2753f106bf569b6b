package dev.keel.server.api;

import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.RunInput;
import dev.keel.data.DatasetDiff;
import dev.keel.data.FileChange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the dataset routes (the dashboard builds against them). Times are epoch ms. */
final class DatasetViews {
    private DatasetViews() {}

    /** {@code {name, owner, description, visibility, created_at, versions, size_bytes, latest}}; latest is a version or null. */
    static Map<String, Object> dataset(Dataset d, List<DatasetVersion> versions) {
        DatasetVersion latest = versions.isEmpty() ? null : versions.get(versions.size() - 1);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", d.name());
        out.put("owner", d.owner());
        out.put("description", d.description());
        out.put("visibility", d.visibility().id());
        out.put("created_at", d.createdAt());
        out.put("versions", versions.size());
        out.put("size_bytes", latest == null ? 0 : latest.totalBytes());
        out.put("latest", latest == null ? null : version(latest));
        return out;
    }

    /** {@code {number, ref, hash, message, author, created_at, file_count, total_bytes, parent}}. */
    static Map<String, Object> version(DatasetVersion v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("number", v.number());
        out.put("ref", v.ref());
        out.put("hash", v.hash());
        out.put("message", v.message());
        out.put("author", v.author());
        out.put("created_at", v.createdAt());
        out.put("file_count", v.fileCount());
        out.put("total_bytes", v.totalBytes());
        out.put("parent", v.parent());
        return out;
    }

    /** {@code {dataset, version, ref, hash}}: version is the number. */
    static Map<String, Object> input(RunInput in) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dataset", in.dataset());
        out.put("version", in.number());
        out.put("ref", in.ref());
        out.put("hash", in.hash());
        return out;
    }

    static Map<String, Object> diff(DatasetDiff d) {
        List<Object> added = new ArrayList<>();
        List<Object> removed = new ArrayList<>();
        List<Object> modified = new ArrayList<>();
        for (FileChange c : d.changes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", c.path());
            switch (c.kind()) {
                case ADDED -> {
                    m.put("size", c.newSize());
                    added.add(m);
                }
                case REMOVED -> {
                    m.put("size", c.oldSize());
                    removed.add(m);
                }
                case MODIFIED -> {
                    m.put("old_size", c.oldSize());
                    m.put("new_size", c.newSize());
                    modified.add(m);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("added", added);
        out.put("removed", removed);
        out.put("modified", modified);
        return out;
    }
}
