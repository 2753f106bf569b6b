package dev.keel.cli.access;

import dev.keel.cli.view.Flatten;
import dev.keel.core.RunInfo;
import dev.keel.core.filter.Field;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A hint when a sort key names no column of the listed runs, e.g. {@code --sort lr} (read as
 * {@code summary.lr}) where the runs have {@code config.lr}: sorting by a missing value is legal
 * but almost never meant.
 */
public final class SortHint {
    private SortHint() {}

    public static Optional<String> check(SortKey key, List<RunInfo> runs) {
        Field field = key.field();
        if (runs.isEmpty() || field.kind() == Field.Kind.ATTRIBUTE) {
            return Optional.empty();
        }
        boolean config = field.kind() == Field.Kind.CONFIG;
        if (runs.stream().anyMatch(r -> has(config ? r.config() : r.summary(), field.path()))) {
            return Optional.empty();
        }
        String other = config ? "summary." + field.path() : "config." + field.path();
        boolean otherExists = runs.stream().anyMatch(r -> has(config ? r.summary() : r.config(), field.path()));
        return Optional.of("no listed run has " + field
                + (otherExists
                        ? "; did you mean --sort " + (key.descending() ? "-" : "") + other + "?"
                        : "; the order is the default (newest first)"));
    }

    private static boolean has(Map<String, Object> tree, String path) {
        return Flatten.flatten(tree).containsKey(path);
    }
}
