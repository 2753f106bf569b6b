package dev.keel.cli.view;

import dev.keel.cli.table.Table;
import dev.keel.core.ProjectInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code keel projects} listing. */
public final class ProjectsTable {
    private ProjectsTable() {}

    public static Table build(List<ProjectInfo> projects, boolean exact) {
        Table table = new Table()
                .column("name", "Project", null, false)
                .column("runs", "Runs", null, true)
                .column("created", "Created", null, false)
                .column("last_activity", "Last activity", null, false);
        for (ProjectInfo p : projects) {
            table.row(List.of(
                    p.name(),
                    Long.toString(p.runCount()),
                    exact ? Values.isoCell(p.createdAt()) : Values.time(p.createdAt()),
                    exact ? Values.isoCell(p.lastActivityAt()) : Values.time(p.lastActivityAt())));
        }
        return table;
    }

    public static List<Map<String, Object>> json(List<ProjectInfo> projects) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ProjectInfo p : projects) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("runs", p.runCount());
            m.put("created_at", Values.isoTime(p.createdAt()));
            m.put("last_activity_at", Values.isoTime(p.lastActivityAt()));
            out.add(m);
        }
        return out;
    }
}
