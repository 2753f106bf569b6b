package dev.keel.cli.reproduce;

import dev.keel.cli.table.Table;
import dev.keel.core.provenance.EnvDiff;
import dev.keel.core.provenance.EnvDifference;

import java.util.List;

/** The rows of {@code keel env diff}: section, key, and each run's value ("—" where it has none). */
public final class EnvDiffText {
    private EnvDiffText() {}

    public static Table table(EnvDiff.Result d) {
        Table t = new Table()
                .column("section", "Section", null, false)
                .column("key", "Key", null, false)
                .column("run1", d.left(), null, false, true, 0)
                .column("run2", d.right(), null, false, true, 0);
        for (EnvDifference x : d.differences()) {
            t.row(List.of(x.section(), x.key(), shown(x.left()), shown(x.right())));
        }
        return t;
    }

    /** One line per difference, for reports that are not tables (keel reproduce). */
    public static String lines(EnvDiff.Result d) {
        StringBuilder out = new StringBuilder();
        if (d.identical()) {
            out.append("  no recorded environment difference\n");
        }
        for (EnvDifference x : d.differences()) {
            out.append("  ")
                    .append(x.section())
                    .append(' ')
                    .append(x.key())
                    .append(": ")
                    .append(shown(x.left()))
                    .append(" → ")
                    .append(shown(x.right()))
                    .append('\n');
        }
        for (String note : d.notes()) {
            out.append("  note: ").append(note).append('\n');
        }
        return out.toString();
    }

    private static String shown(String v) {
        return v == null ? "—" : v;
    }
}
