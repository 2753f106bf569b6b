package dev.keel.server.mlflow;

import dev.keel.core.KeelException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * MLflow's search filter: clauses {@code <ident> <op> <value>} joined by {@code AND}, e.g.
 * {@code metrics.acc > 0.9 and params.lr = '0.01' and tags."mlflow.runName" LIKE 'exp%'}.
 * Identifiers are {@code metric(s).K}, {@code param(s).K}/{@code parameter(s).K},
 * {@code tag(s).K}, {@code attribute(s).K}/{@code attr.K}/{@code run.K} or a bare attribute, and
 * {@code dataset(s).K}; the key follows the first dot, or is quoted with backticks or double
 * quotes. No OR, no parentheses (MLflow has neither). Errors are INVALID_PARAMETER_VALUE.
 */
final class SearchFilter {

    enum Kind {
        METRIC,
        PARAM,
        TAG,
        ATTRIBUTE,
        DATASET
    }

    /** One clause; {@code value} is a String, a Double, or (for IN) a List of Strings. */
    record Clause(Kind kind, String key, String op, Object value) {}

    private final String src;
    private int pos;

    private SearchFilter(String src) {
        this.src = src;
    }

    /** The clauses of {@code filter}; none for a null or blank filter. */
    static List<Clause> parse(String filter) {
        List<Clause> out = new ArrayList<>();
        if (filter == null || filter.isBlank()) {
            return out;
        }
        SearchFilter p = new SearchFilter(filter);
        while (true) {
            out.add(p.clause());
            p.skipSpace();
            if (p.pos >= p.src.length()) {
                return out;
            }
            String word = p.word();
            if (!word.equalsIgnoreCase("and")) {
                throw p.error("expected AND or the end of the filter, found '" + word + "'"
                        + (word.equalsIgnoreCase("or") ? " (MLflow's filter has no OR)" : ""));
            }
        }
    }

    /** An identifier alone, as in {@code order_by} entries: {@code metrics.val_loss}. */
    static Clause identifier(String text) {
        SearchFilter p = new SearchFilter(text);
        Clause c = p.ident();
        p.skipSpace();
        return new Clause(c.kind(), c.key(), p.src.substring(p.pos).trim(), null);
    }

    private Clause clause() {
        Clause id = ident();
        String op = operator();
        Object value = value(op);
        return new Clause(id.kind(), id.key(), op, value);
    }

    private Clause ident() {
        skipSpace();
        if (pos >= src.length()) {
            throw error("expected an identifier such as metrics.acc, params.lr, tags.t or attributes.status");
        }
        char c = src.charAt(pos);
        if (c == '`' || c == '"') {
            // a quoted bare attribute, e.g. "run name"
            return new Clause(Kind.ATTRIBUTE, attributeAlias(quoted()), null, null);
        }
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        String prefix = src.substring(start, pos);
        if (prefix.isEmpty()) {
            throw error("expected an identifier, found '" + c + "'");
        }
        if (pos >= src.length() || src.charAt(pos) != '.') {
            return new Clause(Kind.ATTRIBUTE, attributeAlias(prefix), null, null);
        }
        pos++;
        Kind kind = kind(prefix);
        String key;
        if (pos < src.length() && (src.charAt(pos) == '`' || src.charAt(pos) == '"')) {
            key = quoted();
        } else {
            int keyStart = pos;
            while (pos < src.length()
                    && !Character.isWhitespace(src.charAt(pos))
                    && "=!<>(),'\"".indexOf(src.charAt(pos)) < 0) {
                pos++;
            }
            key = src.substring(keyStart, pos);
        }
        if (key.isEmpty()) {
            throw error("'" + prefix + ".' needs a key after the dot");
        }
        return new Clause(kind, kind == Kind.ATTRIBUTE ? attributeAlias(key) : key, null, null);
    }

    private Kind kind(String prefix) {
        switch (prefix.toLowerCase(Locale.ROOT)) {
            case "metric":
            case "metrics":
                return Kind.METRIC;
            case "param":
            case "params":
            case "parameter":
            case "parameters":
                return Kind.PARAM;
            case "tag":
            case "tags":
                return Kind.TAG;
            case "attribute":
            case "attributes":
            case "attr":
            case "run":
                return Kind.ATTRIBUTE;
            case "dataset":
            case "datasets":
                return Kind.DATASET;
            default:
                throw error("Invalid entity type '" + prefix + "'. Valid values are metrics, params, tags,"
                        + " attributes and datasets");
        }
    }

    private static String attributeAlias(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "run name", "run_name" -> "run_name";
            case "created" -> "start_time";
            case "run_uuid" -> "run_id";
            default -> name;
        };
    }

    private String operator() {
        skipSpace();
        for (String op : List.of("!=", ">=", "<=", "=", ">", "<")) {
            if (src.startsWith(op, pos)) {
                pos += op.length();
                return op;
            }
        }
        int save = pos;
        String w = word().toUpperCase(Locale.ROOT);
        switch (w) {
            case "LIKE":
            case "ILIKE":
            case "IN":
                return w;
            case "NOT":
                if (word().equalsIgnoreCase("IN")) {
                    return "NOT IN";
                }
                break;
            default:
                break;
        }
        pos = save;
        throw error("expected a comparison (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN)");
    }

    private Object value(String op) {
        skipSpace();
        if (op.equals("IN") || op.equals("NOT IN")) {
            if (pos >= src.length() || src.charAt(pos) != '(') {
                throw error("IN needs a list of quoted values in parentheses, e.g. ('a', 'b')");
            }
            pos++;
            List<String> values = new ArrayList<>();
            while (true) {
                skipSpace();
                if (pos < src.length() && (src.charAt(pos) == '\'' || src.charAt(pos) == '"')) {
                    values.add(quoted());
                } else {
                    throw error("IN lists hold quoted strings");
                }
                skipSpace();
                if (pos < src.length() && src.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                if (pos < src.length() && src.charAt(pos) == ')') {
                    pos++;
                    return values;
                }
                throw error("expected ',' or ')' in the IN list");
            }
        }
        if (pos >= src.length()) {
            throw error("expected a value after '" + op + "'");
        }
        char c = src.charAt(pos);
        if (c == '\'' || c == '"') {
            return quoted();
        }
        int start = pos;
        while (pos < src.length() && !Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
        String t = src.substring(start, pos);
        if (NUMBER.matcher(t).matches()) {
            return Double.parseDouble(t);
        }
        throw error("expected a number or a quoted string, found '" + t + "'");
    }

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private String quoted() {
        char q = src.charAt(pos);
        int end = src.indexOf(q, pos + 1);
        if (end < 0) {
            throw error("unterminated quote " + q);
        }
        String s = src.substring(pos + 1, end);
        pos = end + 1;
        return s;
    }

    private String word() {
        skipSpace();
        int start = pos;
        while (pos < src.length() && !Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
        return src.substring(start, pos);
    }

    private void skipSpace() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }

    private KeelException error(String what) {
        return KeelException.invalid("Invalid filter '" + src + "' at column " + (pos + 1) + ": " + what);
    }

    /** The comparisons numbers take. */
    static final Set<String> NUMERIC_OPS = Set.of("=", "!=", ">", ">=", "<", "<=");

    /**
     * Whether two numbers whose {@link Double#compare} is {@code cmp} satisfy {@code op}; false
     * for an operator numbers do not take.
     */
    static boolean compares(String op, int cmp) {
        return switch (op) {
            case "=" -> cmp == 0;
            case "!=" -> cmp != 0;
            case ">" -> cmp > 0;
            case ">=" -> cmp >= 0;
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            default -> false;
        };
    }

    /** SQL LIKE: {@code %} any run, {@code _} one character; ILIKE ignores case. */
    static boolean like(String text, String pattern, boolean ignoreCase) {
        StringBuilder re = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            if (ch == '%') {
                re.append(".*");
            } else if (ch == '_') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        int flags = Pattern.DOTALL | (ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        return Pattern.compile(re.toString(), flags).matcher(text).matches();
    }
}
