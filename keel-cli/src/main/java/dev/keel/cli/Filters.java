package dev.keel.cli;

import dev.keel.core.filter.Expr;
import dev.keel.core.filter.FilterParser;
import dev.keel.core.filter.FilterSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Parses {@code --filter}; a bad expression is a usage error whose message points at the column. */
final class Filters {
    private Filters() {}

    static Expr parse(String text, CommandLine cl) {
        try {
            return FilterParser.parse(text);
        } catch (FilterSyntaxException e) {
            throw new ParameterException(cl, e.getMessage(), e, null, text);
        }
    }
}
