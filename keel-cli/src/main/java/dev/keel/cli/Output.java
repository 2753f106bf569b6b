package dev.keel.cli;

import dev.keel.cli.table.Csv;
import dev.keel.cli.table.Table;
import dev.keel.cli.table.TextTable;
import dev.keel.core.Json;
import dev.keel.core.JsonText;
import picocli.CommandLine;

import java.io.PrintWriter;

/** Prints tables, CSV and JSON to a command's stdout, and notes to its stderr. */
final class Output {
    /** The width used when the terminal's is unknown ($COLUMNS unset, e.g. output piped). */
    static final int DEFAULT_WIDTH = 160;

    private final PrintWriter out;
    private final PrintWriter err;

    Output(CommandLine cl) {
        this(cl.getOut(), cl.getErr());
    }

    Output(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    void table(Table table, Format format) {
        if (format == Format.csv) {
            out.print(Csv.render(table));
        } else {
            TextTable.Result r = TextTable.render(table, width());
            out.print(r.text());
            if (!r.hidden().isEmpty()) {
                note("not shown, to fit " + width() + " characters: " + String.join(", ", r.hidden())
                        + " (widen the terminal or set COLUMNS, or use --format csv or json)");
            }
        }
        out.flush();
    }

    void json(Object value) {
        // plain trees (every JSON listing) without starting Jackson; the same text either way
        String plain = JsonText.pretty(value);
        out.println(plain != null ? plain : Json.writePretty(value));
        out.flush();
    }

    void text(String text) {
        out.print(text);
        out.flush();
    }

    void note(String message) {
        err.println(message);
        err.flush();
    }

    static int width() {
        String columns = System.getenv("COLUMNS");
        if (columns != null) {
            try {
                int w = Integer.parseInt(columns.trim());
                if (w >= 20) {
                    return w;
                }
            } catch (NumberFormatException ignored) {
                // fall back to the default below
            }
        }
        return DEFAULT_WIDTH;
    }
}
