package dev.keel.server.http;

import dev.keel.core.KeelException;
import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;
import dev.keel.core.filter.FilterParser;
import dev.keel.core.filter.FilterSyntaxException;
import dev.keel.core.store.RunQuery;

/**
 * The {@code filter} and {@code sort} query parameters that every run search takes (the REST
 * search, the search over all projects, the dashboard's table), read the same way everywhere:
 * {@code filter} in the filter language, {@code sort} a field with an optional {@code -}
 * (descending, the default) or {@code +} (ascending) before it.
 */
public final class RunSearchParams {
    private RunSearchParams() {}

    /** The parsed {@code filter}, or null when it is absent or blank. */
    public static Expr filter(Request request) {
        String text = request.query("filter").orElse("").trim();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return FilterParser.parse(text);
        } catch (FilterSyntaxException e) {
            throw KeelException.invalid("query parameter 'filter': " + e.getMessage());
        }
    }

    /** A search over {@code project} (null: every project) with the request's sort, this filter and page. */
    public static RunQuery query(Request request, String project, Expr filter, int limit, int offset) {
        String sortText = request.query("sort").orElse("").trim();
        if (sortText.isEmpty()) {
            return new RunQuery(project, filter, null, true, limit, offset);
        }
        boolean descending = sortText.startsWith("-");
        Field sort = Field.parse(descending || sortText.startsWith("+") ? sortText.substring(1) : sortText);
        return new RunQuery(project, filter, sort, descending, limit, offset);
    }
}
