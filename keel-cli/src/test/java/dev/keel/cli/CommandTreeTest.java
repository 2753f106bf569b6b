package dev.keel.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command line builds only the branch of the command tree it runs; what it prints must not change. */
class CommandTreeTest {
    @Test
    void aDataCommandBuildsOnlyItsBranchAndPrintsTheSameHelpAndErrors() {
        assertEachSubcommandBuildsOnlyItsBranch("data", 12);
        assertSameOutput("data", "add", "only-a-name");
        assertSameOutput("data", "add", "bad name!", "/nonexistent", "--home", "/nonexistent/keel");
    }

    @Test
    void aRunCommandBuildsOnlyItsBranchAndPrintsTheSameHelpAndErrors() {
        assertEachSubcommandBuildsOnlyItsBranch("run", 5);
        assertSameOutput("run", "show", "nosuchid", "--home", "/nonexistent/keel");
        assertSameOutput("run", "show");
    }

    @Test
    void aCommandWithoutSubcommandsBuildsOnlyItself() {
        for (String name : full().getSubcommands().keySet()) {
            if (name.equals("completion")
                    || !full().getSubcommands().get(name).getSubcommands().isEmpty()) {
                continue;
            }
            CommandLine pruned = Main.commandLine(writer(), writer(), reader(), name);
            assertEquals(Set.of(name), pruned.getSubcommands().keySet());
            assertSameOutput(name, "--help");
            assertSameOutput(name, "--no-such-option");
        }
        assertSameOutput("runs", "--filter", "state ==", "--home", "/nonexistent/keel");
        assertSameOutput("runs", "--home", "/nonexistent/keel");
    }

    @Test
    void aGroupWithoutAKnownSubcommandGetsItsWholeBranch() {
        for (String group : List.of("data", "run")) {
            Set<String> all =
                    full().getSubcommands().get(group).getSubcommands().keySet();
            for (String[] args :
                    List.of(new String[] {group}, new String[] {group, "nosuch"}, new String[] {group, "--help"})) {
                CommandLine cl = Main.commandLine(writer(), writer(), reader(), args);
                assertEquals(Set.of(group), cl.getSubcommands().keySet(), String.join(" ", args));
                assertEquals(
                        all, cl.getSubcommands().get(group).getSubcommands().keySet());
                assertSameOutput(args);
            }
        }
    }

    @Test
    void theVersionAloneBuildsOnlyTheRoot() {
        for (String flag : List.of("--version", "-V")) {
            CommandLine cl = Main.commandLine(writer(), writer(), reader(), flag);
            assertEquals(Set.of(), cl.getSubcommands().keySet(), flag);
            assertSameOutput(flag);
        }
        assertEquals(
                full().getSubcommands().keySet(),
                Main.commandLine(writer(), writer(), reader(), "--version", "runs")
                        .getSubcommands()
                        .keySet());
        assertSameOutput("--version", "runs");
    }

    @Test
    void everyOtherCommandLineGetsTheWholeTree() {
        Set<String> all = full().getSubcommands().keySet();
        for (String[] args : List.of(
                new String[0], new String[] {"--help", "data", "add"}, new String[] {"runz"}, new String[] {"completion"
                })) {
            CommandLine cl = Main.commandLine(writer(), writer(), reader(), args);
            assertEquals(all, cl.getSubcommands().keySet(), String.join(" ", args));
            assertEquals(
                    full().getSubcommands().get("data").getSubcommands().keySet(),
                    cl.getSubcommands().get("data").getSubcommands().keySet());
            assertEquals(
                    full().getSubcommands().get("run").getSubcommands().keySet(),
                    cl.getSubcommands().get("run").getSubcommands().keySet());
        }
        assertSameOutput("runz");
        assertSameOutput("completion");
        assertSameOutput();
    }

    private static void assertEachSubcommandBuildsOnlyItsBranch(String group, int atLeast) {
        Set<String> subcommands =
                full().getSubcommands().get(group).getSubcommands().keySet();
        assertTrue(subcommands.size() >= atLeast, subcommands.toString());
        for (String name : subcommands) {
            CommandLine pruned = Main.commandLine(writer(), writer(), reader(), group, name);
            assertEquals(Set.of(group), pruned.getSubcommands().keySet());
            assertEquals(
                    Set.of(name),
                    pruned.getSubcommands().get(group).getSubcommands().keySet());
            assertSameOutput(group, name, "--help");
            assertSameOutput(group, name, "--no-such-option");
        }
    }

    @Test
    void noOptionNeedsTheConvertersMainLeavesOut() {
        // Main sets picocli.converters.excludes for java.time and java.sql types to start faster.
        List<CommandLine> all = new ArrayList<>();
        collect(full(), all);
        for (CommandLine cl : all) {
            for (CommandLine.Model.ArgSpec arg : cl.getCommandSpec().args()) {
                List<Class<?>> types = new ArrayList<>(List.of(arg.auxiliaryTypes()));
                types.add(arg.type());
                for (Class<?> t : types) {
                    assertTrue(
                            !t.getName().startsWith("java.time.")
                                    && !t.getName().startsWith("java.sql."),
                            cl.getCommandSpec().qualifiedName() + " " + arg.paramLabel() + ": " + t.getName());
                }
            }
        }
        assertTrue(all.size() > 20);
    }

    private static void collect(CommandLine cl, List<CommandLine> into) {
        into.add(cl);
        cl.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }

    private static void assertSameOutput(String... args) {
        List<String> whole = run(full(), args);
        List<String> pruned = run(null, args);
        assertEquals(whole, pruned, String.join(" ", args));
    }

    /** Exit code, stdout and stderr of {@code args} on {@code cl}, or on the tree main() builds when null. */
    private static List<String> run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine c = cl != null
                ? cl
                : Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), reader(), args);
        if (cl != null) {
            c.setOut(new PrintWriter(out, true));
            c.setErr(new PrintWriter(err, true));
        }
        int code = c.execute(args);
        List<String> result = new ArrayList<>();
        result.add(String.valueOf(code));
        result.add(out.toString());
        result.add(err.toString());
        return result;
    }

    private static CommandLine full() {
        return Main.commandLine(writer(), writer(), reader());
    }

    private static PrintWriter writer() {
        return new PrintWriter(new StringWriter(), true);
    }

    private static BufferedReader reader() {
        return new BufferedReader(new StringReader(""));
    }
}
