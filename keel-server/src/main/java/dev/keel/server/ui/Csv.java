package dev.keel.server.ui;

import dev.keel.core.Json;
import dev.keel.core.RunInfo;
import dev.keel.core.filter.Field;

import java.util.List;
import java.util.Map;

/** RFC 4180 CSV of runs; text cells that a spreadsheet would run as a formula are quoted with a leading '. */
final class Csv {
    private Csv() {}

    static String table(List<RunInfo> runs, List<String> columns) {
        List<Field> fields = columns.stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(Field::parse)
                .toList();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(cell(fields.get(i).toString()));
        }
        sb.append("\r\n");
        for (RunInfo r : runs) {
            for (int i = 0; i < fields.size(); i++) {
                Object v = TableApi.value(r, fields.get(i));
                sb.append(i == 0 ? "" : ",").append(v == null ? "" : cell(v));
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    static String cell(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? String.valueOf(n) : Json.nonFiniteName(d);
        }
        String s = v instanceof Map<?, ?> || v instanceof List<?>
                ? Json.write(Json.encodeNonFinite(v))
                : String.valueOf(v);
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.indexOf(',') >= 0
                || s.indexOf('"') >= 0
                || s.indexOf('\n') >= 0
                || s.indexOf('\r') >= 0
                || s.startsWith("'")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
