package dev.keel.core.filter;

import dev.keel.core.KeelException;

/**
 * A runs filter that does not parse. The message shows the expression with a caret under the
 * offending column and says what was expected there, because the CLI prints it as is:
 * <pre>
 * invalid filter at column 18: expected a value after '&gt;='
 *   config.layers &gt;= and state = finished
 *                    ^
 * </pre>
 */
public final class FilterSyntaxException extends KeelException {
    private final String expression;
    private final int position;

    FilterSyntaxException(String expression, int position, String problem) {
        super(ErrorCode.INVALID_PARAMETER_VALUE, format(expression, position, problem));
        this.expression = expression;
        this.position = position;
    }

    /** The text that failed to parse. */
    public String expression() {
        return expression;
    }

    /** The 0-based index into {@link #expression()} where the problem is. */
    public int position() {
        return position;
    }

    private static String format(String expression, int position, String problem) {
        // Tabs and newlines would throw the caret off; show them as spaces.
        String shown = expression.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
        return "invalid filter at column " + (position + 1) + ": " + problem + "\n  " + shown + "\n  "
                + " ".repeat(position) + "^";
    }
}
