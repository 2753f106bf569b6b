package dev.keel.core.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Splits a filter into tokens; every token remembers where it started for error messages. */
final class FilterLexer {

    enum Type {
        WORD,
        NUMBER,
        STRING,
        OP,
        LPAREN,
        RPAREN,
        COMMA,
        END
    }

    record Token(Type type, String text, Object value, int pos) {
        boolean isKeyword(String keyword) {
            return type == Type.WORD && text.equalsIgnoreCase(keyword);
        }

        String describe() {
            return switch (type) {
                case END -> "the end of the filter";
                case STRING -> "string " + text;
                default -> "'" + text + "'";
            };
        }
    }

    private final String src;
    private int i;

    private FilterLexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String src) {
        return new FilterLexer(src).run();
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        while (true) {
            while (i < src.length() && Character.isWhitespace(src.charAt(i))) {
                i++;
            }
            if (i >= src.length()) {
                out.add(new Token(Type.END, "", null, src.length()));
                return out;
            }
            out.add(next());
        }
    }

    private Token next() {
        int start = i;
        char c = src.charAt(i);
        switch (c) {
            case '(':
                i++;
                return new Token(Type.LPAREN, "(", null, start);
            case ')':
                i++;
                return new Token(Type.RPAREN, ")", null, start);
            case ',':
                i++;
                return new Token(Type.COMMA, ",", null, start);
            case '"':
            case '\'':
                return string(c);
            case '=':
                i += src.startsWith("==", i) ? 2 : 1;
                return new Token(Type.OP, "=", Expr.Op.EQ, start);
            case '!':
                if (src.startsWith("!=", i)) {
                    i += 2;
                    return new Token(Type.OP, "!=", Expr.Op.NE, start);
                }
                throw new FilterSyntaxException(src, start, "unexpected '!': did you mean '!='?");
            case '<':
                if (src.startsWith("<>", i)) {
                    i += 2;
                    return new Token(Type.OP, "<>", Expr.Op.NE, start);
                }
                return op("<", "<=", Expr.Op.LT, Expr.Op.LE);
            case '>':
                return op(">", ">=", Expr.Op.GT, Expr.Op.GE);
            default:
                if (isWordChar(c)) {
                    return word();
                }
                throw new FilterSyntaxException(src, start, "unexpected character '" + c + "'");
        }
    }

    private Token op(String single, String withEq, Expr.Op singleOp, Expr.Op eqOp) {
        int start = i;
        if (src.startsWith(withEq, i)) {
            i += 2;
            return new Token(Type.OP, withEq, eqOp, start);
        }
        i++;
        return new Token(Type.OP, single, singleOp, start);
    }

    private Token string(char quote) {
        int start = i++;
        StringBuilder sb = new StringBuilder();
        while (i < src.length()) {
            char c = src.charAt(i++);
            if (c == quote) {
                return new Token(Type.STRING, src.substring(start, i), sb.toString(), start);
            }
            if (c == '\\' && i < src.length()) {
                c = src.charAt(i++);
            }
            sb.append(c);
        }
        throw new FilterSyntaxException(src, start, "unterminated string: add the closing " + quote);
    }

    /** A bare word: a field name, a keyword, a number or an unquoted value such as {@code finished}. */
    private Token word() {
        int start = i;
        while (i < src.length() && isWordChar(src.charAt(i))) {
            i++;
        }
        String text = src.substring(start, i);
        Double number = parseNumber(text);
        return number != null ? new Token(Type.NUMBER, text, number, start) : new Token(Type.WORD, text, text, start);
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '+' || c == '/' || c == ':';
    }

    private static Double parseNumber(String text) {
        char first = text.charAt(0);
        if (!(Character.isDigit(first) || first == '-' || first == '+' || first == '.')) {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("inf")
                || lower.contains("nan")
                || lower.endsWith("d")
                || lower.endsWith("f")
                || lower.startsWith("0x")) {
            return null; // Java accepts these, a filter should not
        }
        try {
            return Double.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
