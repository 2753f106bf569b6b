package dev.keel.cli.view;

import dev.keel.cli.table.Table;
import dev.keel.core.Json;
import dev.keel.core.MetricSeries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One metric's history as a step / value / time table, or as JSON points. */
public final class HistoryTable {
    private HistoryTable() {}

    public static Table build(MetricSeries series, boolean exact) {
        Table table = new Table()
                .column("step", "Step", null, true)
                .column(series.key(), series.key(), null, true)
                .column("time", "Time", null, false);
        for (int i = 0; i < series.size(); i++) {
            double v = series.values()[i];
            table.row(List.of(
                    Long.toString(series.steps()[i]),
                    exact ? Values.exact(v) : Values.brief(v),
                    exact ? Values.isoCell(series.timestamps()[i]) : Values.preciseTime(series.timestamps()[i])));
        }
        return table;
    }

    /** {@code [{step, value, timestamp}]}, non-finite values as strings. */
    public static List<Map<String, Object>> json(MetricSeries series) {
        List<Map<String, Object>> out = new ArrayList<>(series.size());
        for (int i = 0; i < series.size(); i++) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("step", series.steps()[i]);
            point.put("value", Json.encodeNonFinite(series.values()[i]));
            point.put("timestamp", Values.isoTime(series.timestamps()[i]));
            out.add(point);
        }
        return out;
    }
}
