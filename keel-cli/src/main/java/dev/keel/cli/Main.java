package dev.keel.cli;

import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The {@code keel} command line: {@code java -jar keel.jar COMMAND…}, normally through {@code ./keel}. */
public final class Main {
    /** Whether this JVM was started as the {@code keel} program (not a test running commands in-process). */
    private static volatile boolean program;

    private Main() {}

    public static void main(String[] args) {
        program = true;
        // DJL must never phone home from any JVM Keel starts; the launcher sets these too.
        System.setProperty("ai.djl.offline", "true");
        // Start-up work picocli can skip: probing for Groovy closures, and registering converters
        // (loading their classes) for java.time and java.sql types, which no Keel option has.
        defaultProperty("picocli.disable.closures", "true");
        defaultProperty("picocli.converters.excludes", "java\\.(time|sql)\\..*");
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, out, err, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs one command line as the {@code keel} program does: a plain line of a command people
     * repeat without picocli ({@link QuickCommands}), every other through the branch of the tree
     * it names. Returns the exit code.
     */
    static int run(String[] args, PrintWriter out, PrintWriter err, BufferedReader in) {
        QuickCommands.Quick quick = QuickCommands.parse(args);
        if (quick != null) {
            return QuickCommands.run(quick, out, err);
        }
        return CommandTree.execute(args, out, err, in);
    }

    /**
     * The whole command tree writing to {@code out}/{@code err} and reading answers from {@code in};
     * tests run commands in-process through this.
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, BufferedReader in) {
        return CommandTree.configure(CommandTree.full(new KeelCommand(in)), out, err);
    }

    /** Only the branch {@code args} run, as {@link #main} builds it; for tests. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, BufferedReader in, String... args) {
        return CommandTree.configure(CommandTree.forArgs(new KeelCommand(in), args), out, err);
    }

    /** True in the {@code keel} program's own JVM, whose start up is then part of a command's time. */
    static boolean startedAsProgram() {
        return program;
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
