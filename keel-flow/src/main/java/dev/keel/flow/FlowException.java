package dev.keel.flow;

import dev.keel.core.KeelException;

/**
 * A flow that cannot be used or run: a malformed keel.yaml, a cycle, an output two stages claim,
 * an input nothing provides, a stage whose command failed. The message names the file and line
 * where there is one, the key, the problem and the fix, because the CLI prints it as is:
 * <pre>
 * keel.yaml line 12: stages.evaluate.outputs: 'weights/' is also an output of stage 'train' (line 7):
 * an output belongs to one stage; write it from one of them, or give one another path
 * </pre>
 */
public final class FlowException extends KeelException {
    private final int line;

    FlowException(String message) {
        this(message, 0);
    }

    FlowException(String message, int line) {
        super(ErrorCode.INVALID_PARAMETER_VALUE, message);
        this.line = line;
    }

    static FlowException at(String source, int line, String key, String problem) {
        return new FlowException(
                source + (line > 0 ? " line " + line : "") + ": " + (key.isEmpty() ? "" : key + ": ") + problem, line);
    }

    /** The 1-based line in keel.yaml the problem is on; 0 when it is not one line's. */
    public int line() {
        return line;
    }
}
