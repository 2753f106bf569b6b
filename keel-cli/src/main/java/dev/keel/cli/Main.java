package dev.keel.cli;

import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The {@code keel} command line: {@code java -jar keel.jar COMMAND…}, normally through {@code ./keel}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // DJL must never phone home from any JVM Keel starts; the launcher sets these too.
        System.setProperty("ai.djl.offline", "true");
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int code = commandLine(out, err, in).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * The whole command tree writing to {@code out}/{@code err} and reading answers from {@code in};
     * tests run commands in-process through this.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, BufferedReader in) {
        CommandLine cl = new CommandLine(new KeelCommand(in));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler(Errors::usage);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
