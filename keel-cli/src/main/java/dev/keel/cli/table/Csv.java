package dev.keel.cli.table;

import java.util.List;

/** RFC 4180 CSV: every field with a comma, quote, CR or LF is quoted, quotes doubled; CRLF-free lines. */
public final class Csv {
    private Csv() {}

    public static String render(Table table) {
        StringBuilder out = new StringBuilder();
        line(out, table.keys());
        for (List<String> row : table.rows()) {
            line(out, row);
        }
        return out.toString();
    }

    static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(cells.get(i)));
        }
        out.append('\n');
    }

    public static String field(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
