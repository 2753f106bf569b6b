package dev.keel.cli;

import dev.keel.core.filter.Expr;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Parses {@code --filter}; a bad expression is a usage error that shows where it went wrong. */
final class Filters {
    private Filters() {
    }

    static Expr parse(String text, CommandLine cl) {
        throw new ParameterException(cl, "filters are not available yet in this build");
    }
}
