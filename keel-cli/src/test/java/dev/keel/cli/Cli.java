package dev.keel.cli;

import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs keel commands in-process against one Keel home, capturing stdout and stderr. {@code demo}
 * runs with {@code --no-ui}: its dashboard would serve until this JVM ends
 * ({@link DemoDashboardTest} starts the CLI in a child process for that).
 */
public final class Cli {
    private final Path home;

    Cli(Path home) {
        this.home = home;
    }

    public record Result(int code, String out, String err) {}

    Result run(String... args) {
        return runWithInput("", args);
    }

    /** Runs {@code keel ARGS --home HOME} (the option goes after the deepest subcommand), answering prompts with {@code input}. */
    Result runWithInput(String input, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        int options = 0;
        while (options < all.size() && isCommandWord(all, options)) {
            options++;
        }
        all.add(options, home.toString());
        all.add(options, "--home");
        if (!all.isEmpty() && all.get(0).equals("demo") && !all.contains("--no-ui")) {
            all.add(options, "--no-ui");
        }
        return execute(input, all.toArray(String[]::new));
    }

    /**
     * Runs {@code keel ARGS} exactly as given (no home added) and as the program runs it (a plain
     * line of a quick command without picocli), answering prompts with {@code input}.
     */
    public static Result execute(String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(
                args,
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                new BufferedReader(new StringReader(input)));
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs {@code keel ARGS} through picocli's whole command tree, whatever the line. */
    public static Result executeByPicocli(String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        new BufferedReader(new StringReader(input)))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The whole command tree, its output discarded: for tests that walk or parse it. */
    public static CommandLine tree() {
        return Main.commandLine(
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()),
                new BufferedReader(new StringReader("")));
    }

    private static boolean isCommandWord(List<String> args, int i) {
        String a = args.get(i);
        return switch (a) {
            case "runs", "projects", "demo", "cache", "sync", "repro", "dag" -> true;
            case "run" -> true;
            case "data", "sweep" -> i == 0;
            case "create", "pause", "stop", "cancel" -> i > 0 && args.get(i - 1).equals("sweep");
            case "show", "rm" ->
                i > 0
                        && (args.get(i - 1).equals("run")
                                || args.get(i - 1).equals("data")
                                || args.get(i - 1).equals("sweep"));
            case "logs", "history" -> i > 0 && args.get(i - 1).equals("run");
            case "resume" ->
                i > 0 && (args.get(i - 1).equals("run") || args.get(i - 1).equals("sweep"));
            case "add", "ls", "log", "diff", "checkout", "verify", "gc", "tag", "push", "pull" ->
                i > 0 && (args.get(i - 1).equals("data") || args.get(i - 1).equals("sweep"));
            default -> false;
        };
    }
}
