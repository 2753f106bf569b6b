package dev.keel.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain JSON trees (maps, lists, strings, numbers, booleans, null) read and written exactly as
 * {@link Json} reads and writes them, without Jackson: a short command that reads a few JSON
 * columns and prints JSON would otherwise spend a fifth of its time starting Jackson.
 *
 * <pre>
 * Object tree = JsonText.parse("{\"lr\":0.01,\"layers\":[1,2]}");   // {lr=0.01, layers=[1, 2]}, or null
 * String text = JsonText.pretty(tree);                               // as Json.writePretty, or null
 * </pre>
 *
 * <p>Both answer null for whatever they do not handle the way {@link Json} does (a value that
 * is not plain, malformed text, a number too long for Jackson's limits): the caller then uses
 * {@link Json}, which gives the same result or its own error.
 */
public final class JsonText {
    /** Jackson's default limits (StreamReadConstraints): beyond them it refuses, and so does this. */
    private static final int MAX_NUMBER_LENGTH = 1000;

    private static final int MAX_NAME_LENGTH = 50_000;
    private static final int MAX_STRING_LENGTH = 20_000_000;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** What Jackson's default pretty printer ends lines with. */
    private static final String LINE = System.lineSeparator();

    private final String s;
    private int i;

    private JsonText(String s) {
        this.s = s;
    }

    /**
     * The tree {@code text} holds, typed as {@link Json#MAPPER} types it (objects as
     * {@link LinkedHashMap}, arrays as {@link ArrayList}, integers as {@link Long}, other numbers
     * as {@link Double}); null when it is not plain JSON, or holds an integer beyond a long.
     */
    public static Object parse(String text) {
        JsonText p = new JsonText(text);
        try {
            p.space();
            Object v = p.value(0);
            p.space();
            return p.i == text.length() ? v : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code value} as {@link Json#writePretty} writes it (non-finite doubles as their names,
     * Jackson's default pretty printer); null when the tree holds anything but maps, lists,
     * strings, numbers, booleans and null.
     */
    public static String pretty(Object value) {
        StringBuilder out = new StringBuilder(256);
        return write(value, out, 0) ? out.toString() : null;
    }

    /** "NaN", "Infinity" or "-Infinity". */
    public static String nonFiniteName(double d) {
        return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    }

    /** The double one of the names {@link #nonFiniteName} writes stands for, or null for any other string. */
    public static Double nonFiniteValue(String name) {
        return switch (name) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> null;
        };
    }

    /** Replaces non-finite doubles (and floats) anywhere in the tree by their string names. */
    public static Object encodeNonFinite(Object value) {
        if (value instanceof Double d && !Double.isFinite(d)) {
            return nonFiniteName(d);
        }
        if (value instanceof Float f && !Float.isFinite(f)) {
            return nonFiniteName(f.doubleValue());
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(e.getKey(), encodeNonFinite(e.getValue()));
            }
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(encodeNonFinite(x));
            }
            return out;
        }
        return value;
    }

    /**
     * Undoes {@link #encodeNonFinite} for summaries, in place: metrics are numbers, so the strings
     * "NaN", "Infinity" and "-Infinity" there, however deep, stand for the doubles.
     */
    public static Map<String, Object> decodeNonFinite(Map<String, Object> summary) {
        for (Map.Entry<String, Object> e : summary.entrySet()) {
            e.setValue(decodeValue(e.getValue()));
        }
        return summary;
    }

    @SuppressWarnings("unchecked")
    private static Object decodeValue(Object v) {
        if (v instanceof String str) {
            Double named = nonFiniteValue(str);
            return named != null ? named : str;
        }
        if (v instanceof Map<?, ?> m) {
            return decodeNonFinite((Map<String, Object>) m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(decodeValue(x));
            }
            return out;
        }
        return v;
    }

    private Object value(int depth) {
        if (depth > 400) { // below Jackson's nesting limit: deeper trees go to Jackson
            throw new IllegalStateException("too deep");
        }
        char c = s.charAt(i);
        switch (c) {
            case '{' -> {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                space();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    space();
                    if (s.charAt(i) != '"') {
                        throw new IllegalStateException("key");
                    }
                    String k = string();
                    if (k.length() > MAX_NAME_LENGTH) {
                        throw new IllegalStateException("name too long");
                    }
                    space();
                    expect(':');
                    space();
                    m.put(k, value(depth + 1));
                    space();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect('}');
                        return m;
                    }
                }
            }
            case '[' -> {
                i++;
                List<Object> l = new ArrayList<>();
                space();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    space();
                    l.add(value(depth + 1));
                    space();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect(']');
                        return l;
                    }
                }
            }
            case '"' -> {
                return string();
            }
            case 't' -> {
                word("true");
                return Boolean.TRUE;
            }
            case 'f' -> {
                word("false");
                return Boolean.FALSE;
            }
            case 'n' -> {
                word("null");
                return null;
            }
            default -> {
                return number();
            }
        }
    }

    private void word(String w) {
        if (!s.startsWith(w, i)) {
            throw new IllegalStateException(w);
        }
        i += w.length();
    }

    private void expect(char c) {
        if (s.charAt(i) != c) {
            throw new IllegalStateException(String.valueOf(c));
        }
        i++;
    }

    private void space() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }

    private String string() {
        i++; // the opening quote
        StringBuilder b = null;
        int start = i;
        while (true) {
            char c = s.charAt(i);
            if (c == '"') {
                String tail = s.substring(start, i++);
                String str = b == null ? tail : b.append(tail).toString();
                if (str.length() > MAX_STRING_LENGTH) {
                    throw new IllegalStateException("string too long");
                }
                return str;
            }
            if (c < 0x20) {
                throw new IllegalStateException("control character");
            }
            if (c == '\\') {
                if (b == null) {
                    b = new StringBuilder();
                }
                b.append(s, start, i);
                char e = s.charAt(i + 1);
                i += 2;
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw new IllegalStateException("escape");
                }
                start = i;
            } else {
                i++;
            }
        }
    }

    private Object number() {
        int start = i;
        if (s.charAt(i) == '-') {
            i++;
        }
        int intStart = i;
        digits();
        if (i == intStart || (s.charAt(intStart) == '0' && i - intStart > 1)) {
            throw new IllegalStateException("integer part");
        }
        boolean integer = true;
        if (i < s.length() && s.charAt(i) == '.') {
            integer = false;
            i++;
            int fraction = i;
            digits();
            if (i == fraction) {
                throw new IllegalStateException("fraction");
            }
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            integer = false;
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = i;
            digits();
            if (i == exponent) {
                throw new IllegalStateException("exponent");
            }
        }
        if (i - start > MAX_NUMBER_LENGTH) {
            throw new IllegalStateException("too long");
        }
        String n = s.substring(start, i);
        if (!integer) {
            return Double.parseDouble(n);
        }
        if (i - intStart <= 18) {
            return Long.parseLong(n);
        }
        // beyond a long, Keel's reader refuses the value (USE_LONG_FOR_INTS): so does this one
        return new BigInteger(n).longValueExact();
    }

    private void digits() {
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
    }

    private static boolean write(Object v, StringBuilder out, int depth) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof String str) {
            return appendQuoted(out, str);
        } else if (v instanceof Boolean
                || v instanceof Long
                || v instanceof Integer
                || v instanceof Short
                || v instanceof Byte
                || v instanceof BigInteger
                || v instanceof BigDecimal) {
            out.append(v);
        } else if (v instanceof Double d) {
            if (Double.isFinite(d)) {
                out.append(d.doubleValue());
            } else {
                appendQuoted(out, nonFiniteName(d));
            }
        } else if (v instanceof Float f) {
            if (Float.isFinite(f)) {
                out.append(f.floatValue());
            } else {
                appendQuoted(out, nonFiniteName(f));
            }
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                out.append("{ }");
                return true;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    return false;
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                newline(out, depth + 1);
                if (!appendQuoted(out, key)) {
                    return false;
                }
                out.append(" : ");
                if (!write(e.getValue(), out, depth + 1)) {
                    return false;
                }
            }
            newline(out, depth);
            out.append('}');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                out.append("[ ]");
                return true;
            }
            out.append("[ ");
            boolean first = true;
            for (Object x : l) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                // arrays stay on one line: only objects indent (Jackson's default printer)
                if (!write(x, out, depth)) {
                    return false;
                }
            }
            out.append(" ]");
        } else {
            return false;
        }
        return true;
    }

    private static void newline(StringBuilder out, int depth) {
        out.append(LINE);
        for (int k = 0; k < depth; k++) {
            out.append("  ");
        }
    }

    /**
     * Appends {@code str} as a JSON string, escaped as Jackson escapes it; false, with {@code out}
     * partly written, when it holds a lone surrogate, which UTF-8 cannot carry (the caller then
     * leaves the whole tree to Jackson).
     */
    public static boolean appendQuoted(StringBuilder out, String str) {
        out.append('"');
        for (int k = 0; k < str.length(); k++) {
            char c = str.charAt(k);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(c)
                            && k + 1 < str.length()
                            && Character.isLowSurrogate(str.charAt(k + 1))) {
                        out.append(c).append(str.charAt(++k));
                    } else if (Character.isSurrogate(c)) {
                        return false;
                    } else if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        return true;
    }
}
