package dev.keel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
        CommandLine root = Cli.tree();
        List<List<String>> paths = new ArrayList<>();
        collect(root, new ArrayList<>(), paths);
        assertTrue(paths.size() >= 10, paths.toString());
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Cli.Result r = Cli.execute("", args.toArray(String[]::new));
            assertEquals(0, r.code(), path.toString());
            assertTrue(r.out().startsWith("Usage: keel"), path + ": " + r.out());
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
        Cli.Result r = Cli.execute("", "completion");
        assertEquals(0, r.code());
        String script = r.out();
        assertTrue(script.contains("complete -F"), script.substring(0, Math.min(300, script.length())));
        assertTrue(script.contains("--filter"));
        assertTrue(script.contains("history"));
    }

    @Test
    void noCommandPrintsUsage() {
        Cli.Result r = Cli.execute("");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("runs"), r.out());
    }

    @Test
    void unknownCommandIsAUsageError() {
        Cli.Result r = new Cli(home).run("runz");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("runz"), r.err());
    }
}
