package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.server.mlflow.SearchFilter.Clause;
import dev.keel.server.mlflow.SearchFilter.Kind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * MLflow's runs/search over the Keel store. Whatever the store's {@link RunQuery} can express
 * (metric and param comparisons, the run's own columns, one sort key, the page) is compiled into
 * it, so that a search over many runs sorted by a metric is one indexed SQL query. What it cannot
 * (LIKE, system tags, keys with dots, several sort keys) is evaluated here over the runs the
 * compiled part selects, with MLflow's semantics: a run without the key never matches, and runs
 * without a sort value come last.
 */
final class RunSearch {
    private static final Set<String> NUMERIC_OPS = Set.of("=", "!=", ">", ">=", "<", "<=");
    private static final Set<String> STRING_OPS = Set.of("=", "!=", "LIKE", "ILIKE");
    private static final Set<String> STRING_ATTRIBUTES =
            Set.of("run_id", "run_name", "status", "user_id", "artifact_uri", "lifecycle_stage");
    private static final Set<String> NUMERIC_ATTRIBUTES = Set.of("start_time", "end_time");

    /** A sort key of {@code order_by}. */
    record Sort(Clause ident, boolean descending) {}

    /** The runs of one page and, when more follow, the offset of the next page. */
    record Page(List<RunInfo> runs, int nextOffset) {}

    private final Store store;

    RunSearch(Store store) {
        this.store = store;
    }

    /**
     * @param projects        the experiments' projects (at least one)
     * @param lifecycle       ACTIVE_ONLY, DELETED_ONLY or ALL
     * @param artifactUri     the artifact URI of a run, for clauses on it
     * @param provenance      a run's provenance, read only for clauses and sorts on system tags
     */
    Page search(
            List<String> projects,
            List<Clause> clauses,
            String lifecycle,
            List<Sort> sorts,
            int max,
            int offset,
            Function<RunInfo, String> artifactUri,
            Function<String, Map<String, Object>> provenance) {
        clauses.forEach(RunSearch::validate);
        sorts.forEach(s -> validateSort(s.ident()));
        Expr compiled = null;
        if (lifecycle.equals("ACTIVE_ONLY")) {
            compiled = new Expr.Not(new Expr.Contains(attr("tags"), RunMapping.DELETED));
        } else if (lifecycle.equals("DELETED_ONLY")) {
            compiled = new Expr.Contains(attr("tags"), RunMapping.DELETED);
        }
        String project = projects.size() == 1 ? projects.get(0) : null;
        if (project == null) {
            compiled = and(compiled, new Expr.In(attr("project"), new ArrayList<>(projects), false));
        }
        List<Clause> residual = new ArrayList<>();
        for (Clause c : clauses) {
            Expr e = compile(c);
            if (e == null) {
                residual.add(c);
            } else {
                compiled = and(compiled, e);
            }
        }
        Field sortField = sorts.size() == 1 ? sortField(sorts.get(0).ident()) : null;
        if (residual.isEmpty() && (sorts.isEmpty() || sortField != null)) {
            boolean desc = sorts.isEmpty() || sorts.get(0).descending();
            List<RunInfo> runs = store.searchRuns(new RunQuery(project, compiled, sortField, desc, max + 1, offset));
            return page(runs, max, offset);
        }
        Map<String, Map<String, String>> tagCache = new HashMap<>();
        Function<RunInfo, Map<String, String>> tags =
                r -> tagCache.computeIfAbsent(r.id(), id -> RunMapping.tags(r, provenance.apply(id)));
        List<RunInfo> all = new ArrayList<>();
        for (RunInfo r : store.searchRuns(new RunQuery(project, compiled, null, true, 0, 0))) {
            if (residual.stream().allMatch(c -> matches(c, value(r, c, tags, artifactUri)))) {
                all.add(r);
            }
        }
        all.sort(comparator(sorts, tags, artifactUri));
        int from = Math.min(offset, all.size());
        return page(new ArrayList<>(all.subList(from, Math.min(all.size(), from + max + 1))), max, offset);
    }

    private static Page page(List<RunInfo> runs, int max, int offset) {
        if (runs.size() > max) {
            return new Page(runs.subList(0, max), offset + max);
        }
        return new Page(runs, -1);
    }

    private static Expr and(Expr a, Expr b) {
        return a == null ? b : new Expr.And(a, b);
    }

    private static Field attr(String name) {
        return new Field(Field.Kind.ATTRIBUTE, name);
    }

    static void validate(Clause c) {
        String op = c.op();
        switch (c.kind()) {
            case METRIC -> {
                if (!NUMERIC_OPS.contains(op) || !(c.value() instanceof Double)) {
                    throw invalid(c, "metrics compare with =, !=, >, >=, <, <= against a number");
                }
            }
            case PARAM, TAG -> {
                if (!STRING_OPS.contains(op) || !(c.value() instanceof String)) {
                    throw invalid(c, "params and tags compare with =, !=, LIKE, ILIKE against a quoted string");
                }
            }
            case ATTRIBUTE -> {
                if (NUMERIC_ATTRIBUTES.contains(c.key())) {
                    if (!NUMERIC_OPS.contains(op) || !(c.value() instanceof Double)) {
                        throw invalid(c, c.key() + " compares with =, !=, >, >=, <, <= against a number (epoch ms)");
                    }
                } else if (STRING_ATTRIBUTES.contains(c.key())) {
                    boolean in = op.equals("IN") || op.equals("NOT IN");
                    if (in && !c.key().equals("run_id")) {
                        throw invalid(c, "IN and NOT IN work only with run_id");
                    }
                    if (!(in || STRING_OPS.contains(op)) || (!in && !(c.value() instanceof String))) {
                        throw invalid(c, c.key() + " compares with =, !=, LIKE, ILIKE against a quoted string");
                    }
                } else {
                    throw invalid(
                            c,
                            "Invalid attribute key '" + c.key() + "' specified. Valid keys are "
                                    + "run_id, run_name, status, user_id, artifact_uri, start_time, end_time");
                }
            }
            case DATASET -> {
                if (!Set.of("name", "digest", "context").contains(c.key())) {
                    throw invalid(c, "datasets.K takes name, digest or context");
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private static void validateSort(Clause c) {
        String dir = c.op().toUpperCase(Locale.ROOT);
        if (!dir.isEmpty() && !dir.equals("ASC") && !dir.equals("DESC")) {
            throw KeelException.invalid("Invalid order_by clause: '" + dir + "': write '<key> [ASC|DESC]'");
        }
        if (c.kind() == Kind.DATASET
                || (c.kind() == Kind.ATTRIBUTE
                        && !NUMERIC_ATTRIBUTES.contains(c.key())
                        && !STRING_ATTRIBUTES.contains(c.key())
                        && !c.key().equals("experiment_id"))) {
            throw KeelException.invalid("Invalid order_by key '" + c.key() + "': use metrics.K, params.K, tags.K or an"
                    + " attribute (start_time, end_time, status, run_name, run_id, user_id, artifact_uri)");
        }
    }

    private static KeelException invalid(Clause c, String why) {
        return KeelException.invalid(
                "Invalid clause(s) in filter string: '" + c.kind().name().toLowerCase(Locale.ROOT) + "s." + c.key()
                        + " " + c.op() + " " + c.value() + "': " + why);
    }

    /** The clause as a store filter, or null when only the evaluator here can do it. */
    private static Expr compile(Clause c) {
        String op = c.op();
        return switch (c.kind()) {
            case METRIC ->
                c.key().contains(".") ? null : compare(new Field(Field.Kind.SUMMARY, c.key()), op, c.value(), true);
            case PARAM ->
                c.key().contains(".") || !(op.equals("=") || op.equals("!="))
                        ? null
                        : compare(new Field(Field.Kind.CONFIG, c.key()), op, c.value(), true);
            case TAG -> compileTag(c);
            case ATTRIBUTE -> compileAttribute(c);
            default -> null;
        };
    }

    private static Expr compileTag(Clause c) {
        if (!(c.op().equals("=") || c.op().equals("!="))) {
            return null;
        }
        return switch (c.key()) {
            case RunMapping.RUN_NAME -> compare(attr("name"), c.op(), c.value(), false);
            case RunMapping.NOTE -> compare(attr("notes"), c.op(), c.value(), false);
            default ->
                RunMapping.isSystemTag(c.key()) || c.op().equals("!=")
                        ? null
                        : new Expr.Contains(attr("tags"), RunMapping.keelTag(c.key(), (String) c.value()));
        };
    }

    private static Expr compileAttribute(Clause c) {
        String op = c.op();
        if (op.equals("LIKE") || op.equals("ILIKE")) {
            return null;
        }
        switch (c.key()) {
            case "run_id":
                if (op.equals("IN") || op.equals("NOT IN")) {
                    return new Expr.In(attr("id"), new ArrayList<>((List<?>) c.value()), op.equals("NOT IN"));
                }
                return compare(attr("id"), op, c.value(), false);
            case "run_name":
                return compare(attr("name"), op, c.value(), false);
            case "user_id":
                return compare(attr("user"), op, c.value(), false);
            case "start_time":
                return compare(attr("created"), op, c.value(), false);
            case "end_time":
                // running runs have no end time in MLflow, 0 in Keel: only lower bounds agree
                return (op.equals(">") || op.equals(">=")) && (Double) c.value() >= 0
                        ? compare(attr("ended"), op, c.value(), false)
                        : null;
            case "status":
                String status = ((String) c.value()).toUpperCase(Locale.ROOT);
                Expr is = switch (status) {
                    case "FINISHED", "RUNNING" ->
                        new Expr.Compare(attr("state"), Expr.Op.EQ, status.toLowerCase(Locale.ROOT));
                    case "KILLED" -> new Expr.In(attr("state"), List.of("killed", "stopped"), false);
                    case "FAILED" -> new Expr.In(attr("state"), List.of("failed", "crashed"), false);
                    default -> null;
                };
                return is == null ? null : op.equals("=") ? is : new Expr.Not(is);
            default:
                return null;
        }
    }

    /** {@code =} etc.; for JSON fields, {@code !=} also requires the key to be there, as in MLflow. */
    private static Expr compare(Field f, String op, Object value, boolean mayBeMissing) {
        Expr.Op o = switch (op) {
            case "=" -> Expr.Op.EQ;
            case "!=" -> Expr.Op.NE;
            case ">" -> Expr.Op.GT;
            case ">=" -> Expr.Op.GE;
            case "<" -> Expr.Op.LT;
            case "<=" -> Expr.Op.LE;
            default -> null;
        };
        if (o == null) {
            return null;
        }
        if (o == Expr.Op.NE && mayBeMissing) {
            return new Expr.And(
                    new Expr.Not(new Expr.Compare(f, Expr.Op.EQ, value)),
                    new Expr.Not(new Expr.Compare(f, Expr.Op.EQ, null)));
        }
        return new Expr.Compare(f, o, value);
    }

    private static Field sortField(Clause c) {
        return switch (c.kind()) {
            case METRIC -> c.key().contains(".") ? null : new Field(Field.Kind.SUMMARY, c.key());
            case PARAM -> c.key().contains(".") ? null : new Field(Field.Kind.CONFIG, c.key());
            case ATTRIBUTE ->
                switch (c.key()) {
                    case "start_time" -> attr("created");
                    case "run_name" -> attr("name");
                    case "run_id" -> attr("id");
                    case "user_id" -> attr("user");
                    case "status" -> attr("state");
                    default -> null;
                };
            default -> null;
        };
    }

    /** The value MLflow would compare for the run: a Double, a String, or null when it has none. */
    private static Object value(
            RunInfo r, Clause c, Function<RunInfo, Map<String, String>> tags, Function<RunInfo, String> artifactUri) {
        return switch (c.kind()) {
            case METRIC -> {
                Double d = RunMapping.number(r.summary().get(c.key()));
                yield d == null || d.isNaN() ? null : d;
            }
            case PARAM -> RunMapping.params(r).get(c.key());
            case TAG -> tags.apply(r).get(c.key());
            case ATTRIBUTE ->
                switch (c.key()) {
                    case "run_id" -> r.id();
                    case "run_name" -> r.name();
                    case "status" -> RunMapping.status(r.state());
                    case "user_id" -> r.user();
                    case "artifact_uri" -> artifactUri.apply(r);
                    case "lifecycle_stage" -> RunMapping.deleted(r) ? "deleted" : "active";
                    case "start_time" -> (double) r.createdAt();
                    case "end_time" -> r.endedAt() > 0 ? (double) r.endedAt() : null;
                    default -> null;
                };
            default -> null;
        };
    }

    private static boolean matches(Clause c, Object v) {
        if (v == null) {
            return false;
        }
        String op = c.op();
        if (v instanceof Double d) {
            return SearchFilter.compares(op, Double.compare(d, (Double) c.value()));
        }
        String s = (String) v;
        return switch (op) {
            case "=" -> s.equals(c.value());
            case "!=" -> !s.equals(c.value());
            case "LIKE" -> SearchFilter.like(s, (String) c.value(), false);
            case "ILIKE" -> SearchFilter.like(s, (String) c.value(), true);
            case "IN" -> ((List<?>) c.value()).contains(s);
            case "NOT IN" -> !((List<?>) c.value()).contains(s);
            default -> false;
        };
    }

    private static Comparator<RunInfo> comparator(
            List<Sort> sorts, Function<RunInfo, Map<String, String>> tags, Function<RunInfo, String> artifactUri) {
        Comparator<RunInfo> out = (a, b) -> 0;
        for (Sort s : sorts) {
            Clause c = s.ident();
            out = out.thenComparing((a, b) -> {
                Object x = value(a, c, tags, artifactUri);
                Object y = value(b, c, tags, artifactUri);
                if (x == null || y == null) {
                    return x == null ? (y == null ? 0 : 1) : -1; // missing last, either direction
                }
                int cmp = x instanceof Double dx && y instanceof Double dy
                        ? Double.compare(dx, dy)
                        : String.valueOf(x).compareTo(String.valueOf(y));
                return s.descending() ? -cmp : cmp;
            });
        }
        return out.thenComparing(Comparator.comparingLong(RunInfo::createdAt).reversed())
                .thenComparing(RunInfo::id);
    }
}
