package dev.keel.core.store;

import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;

/**
 * A runs search: optional project, optional filter, one sort field, a page.
 *
 * @param project    null for every project
 * @param filter     null for no filter
 * @param sort       null for newest first
 * @param descending sort direction
 * @param limit      at most this many runs; 0 or less for no limit
 * @param offset     skip this many first
 */
public record RunQuery(String project, Expr filter, Field sort, boolean descending, int limit, int offset) {

    public static RunQuery all() {
        return new RunQuery(null, null, null, true, 0, 0);
    }

    public static RunQuery project(String project) {
        return new RunQuery(project, null, null, true, 0, 0);
    }
}
