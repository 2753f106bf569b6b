package dev.keel.cli;

import dev.keel.core.KeelException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/**
 * Turns failures into one line on stderr and an exit code: 0 ok, 1 error, 2 usage. Stack traces
 * only with {@code KEEL_DEBUG=1}, since the message is what a user acts on.
 */
final class Errors implements IExecutionExceptionHandler {
    static final int ERROR = 1;
    static final int USAGE = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
        if (e instanceof ParameterException pe) {
            return usage(pe, new String[0]);
        }
        return report(e, cl.getErr());
    }

    /** The line (and exit code) for a command's failure, on {@code err}. */
    static int report(Exception e, PrintWriter err) {
        if (e instanceof KeelException ke) {
            err.println("keel: " + ke.getMessage());
            debug(e, err);
            return ke.code() == KeelException.ErrorCode.INVALID_PARAMETER_VALUE ? USAGE : ERROR;
        }
        err.println("keel: unexpected error: " + e);
        debug(e, err);
        if (System.getenv("KEEL_DEBUG") == null) {
            err.println("(set KEEL_DEBUG=1 for the stack trace)");
        }
        return ERROR;
    }

    static int usage(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("keel: " + e.getMessage());
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        return USAGE;
    }

    private static void debug(Exception e, PrintWriter err) {
        if (System.getenv("KEEL_DEBUG") != null) {
            e.printStackTrace(err);
        }
    }
}
