package dev.keel.cli;

import dev.keel.core.KeelException;
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

    /** The same, where no command line is at hand (a line run without picocli, checked before). */
    static Expr parse(String text) {
        try {
            return FilterParser.parse(text);
        } catch (FilterSyntaxException e) {
            throw KeelException.invalid(e.getMessage());
        }
    }

    /** Whether {@code text} is a filter expression. */
    static boolean valid(String text) {
        try {
            FilterParser.parse(text);
            return true;
        } catch (FilterSyntaxException e) {
            return false;
        }
    }
}
