package dev.keel.sweep;

import dev.keel.core.KeelException;

/**
 * A sweep configuration that cannot be used. The message names the file, the line and the key,
 * then the problem and, where there is one, the fix, because the CLI prints it as is:
 * <pre>
 * mlp-width.yaml line 7: parameters.lr: min 0.1 is above max 0.01
 * </pre>
 */
public final class SweepConfigException extends KeelException {
    private final int line;
    private final String key;

    SweepConfigException(String source, int line, String key, String problem) {
        super(
                ErrorCode.INVALID_PARAMETER_VALUE,
                source + " line " + line + ": " + (key.isEmpty() ? "" : key + ": ") + problem);
        this.line = line;
        this.key = key;
    }

    /** The 1-based line of the offending key or value. */
    public int line() {
        return line;
    }

    /** The offending key, dotted from the top ({@code parameters.optimizer.lr}); empty for the whole file. */
    public String key() {
        return key;
    }
}
