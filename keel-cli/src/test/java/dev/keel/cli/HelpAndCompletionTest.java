package dev.keel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpAndCompletionTest {
    @TempDir
    Path home;

    @Test
    void everyCommandHasHelp() {
        CommandLine root = Main.commandLine(
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()),
                new BufferedReader(new StringReader("")));
        List<List<String>> paths = new ArrayList<>();
        collect(root, new ArrayList<>(), paths);
        assertTrue(paths.size() >= 10, paths.toString());
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            StringWriter out = new StringWriter();
            int code = Main.commandLine(
                            new PrintWriter(out, true),
                            new PrintWriter(new StringWriter(), true),
                            new BufferedReader(new StringReader("")))
                    .execute(args.toArray(String[]::new));
            assertEquals(0, code, path.toString());
            assertTrue(out.toString().startsWith("Usage: keel"), path + ": " + out);
        }
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> into) {
        into.add(List.copyOf(prefix));
        cl.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().aliases().equals(name)) {
                List<String> p = new ArrayList<>(prefix);
                p.add(name);
                collect(sub, p, into);
            }
        });
    }

    @Test
    void completionScriptCoversCommandsAndOptions() {
        StringWriter out = new StringWriter();
        int code = Main.commandLine(
                        new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true),
                        new BufferedReader(new StringReader("")))
                .execute("completion");
        assertEquals(0, code);
        String script = out.toString();
        assertTrue(script.contains("complete -F"), script.substring(0, Math.min(300, script.length())));
        assertTrue(script.contains("--filter"));
        assertTrue(script.contains("history"));
    }

    @Test
    void noCommandPrintsUsage() {
        StringWriter out = new StringWriter();
        int code = Main.commandLine(
                        new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true),
                        new BufferedReader(new StringReader("")))
                .execute();
        assertEquals(0, code);
        assertTrue(out.toString().contains("runs"), out.toString());
    }

    @Test
    void unknownCommandIsAUsageError() {
        Cli.Result r = new Cli(home).run("runz");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("runz"), r.err());
    }
}
