package dev.keel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds the command tree. Picocli reflects over every command class it is given, and building
 * all of them costs a fresh JVM about 0.3 s of CPU: more than the whole work of listing runs or
 * re-adding an unchanged dataset. So a command line that names a command builds only the
 * branch it runs ({@code keel runs …}: root and runs; {@code keel run show …}: root, run and
 * show); every other command line (help, completion, a misspelt command) gets the whole tree,
 * and a misspelt subcommand its group's whole branch, and {@code keel completion} the whole tree, so usage text, suggestions and the
 * completion script stay the same. {@code keel --version} alone builds the root only.
 */
final class CommandTree {
    /** The root's subcommands in help order; kept here, not in the annotation, which would build them all. */
    private static final List<Class<?>> ROOT = List.of(
            InitCommand.class,
            RunsCommand.class,
            RunCommand.class,
            DataCommand.class,
            SweepCommand.class,
            AgentCommand.class,
            ModelCommand.class,
            ProjectsCommand.class,
            DemoCommand.class,
            UiCommand.class,
            ServerCommand.class,
            ServeCommand.class,
            LoginCommand.class,
            SyncCommand.class,
            CacheCommand.class,
            ReproduceCommand.class,
            EnvCommand.class,
            FlowReproCommand.class,
            DagCommand.class,
            CompletionCommand.class);
    /** {@code keel run}'s subcommands in help order. */
    private static final List<Class<?>> RUN = List.of(
            RunShowCommand.class,
            RunLogsCommand.class,
            RunHistoryCommand.class,
            RunRmCommand.class,
            RunResumeCommand.class);
    /** {@code keel data}'s subcommands in help order. */
    private static final List<Class<?>> DATA = List.of(
            DataAddCommand.class,
            DataLsCommand.class,
            DataLogCommand.class,
            DataShowCommand.class,
            DataDiffCommand.class,
            DataCheckoutCommand.class,
            DataVerifyCommand.class,
            DataGcCommand.class,
            DataTagCommand.class,
            DataRmCommand.class,
            DataTransferCommand.Push.class,
            DataTransferCommand.Pull.class);
    /** {@code keel sweep}'s subcommands in help order. */
    private static final List<Class<?>> SWEEP = List.of(
            SweepCreateCommand.class,
            SweepLsCommand.class,
            SweepShowCommand.class,
            SweepStateCommand.Pause.class,
            SweepStateCommand.Resume.class,
            SweepStateCommand.Stop.class,
            SweepStateCommand.Cancel.class);
    /** {@code keel model}'s subcommands in help order. */
    private static final List<Class<?>> MODEL = List.of(
            ModelCommands.Register.class,
            ModelCommands.Ls.class,
            ModelCommands.Show.class,
            ModelCommands.Versions.class,
            ModelCommands.Alias.class,
            ModelCommands.Tag.class,
            ModelCommands.Rename.class,
            ModelCommands.Describe.class,
            ModelCommands.Rm.class,
            ModelCommands.Pull.class);
    /** The groups whose subcommands are listed here rather than in their annotations. */
    private static final Map<Class<?>, List<Class<?>>> GROUPS = Map.of(
            RunCommand.class, RUN, DataCommand.class, DATA, SweepCommand.class, SWEEP, ModelCommand.class, MODEL);

    private CommandTree() {}

    /** Runs {@code args} through the branch of the tree they name, as the {@code keel} program does. */
    static int execute(String[] args, PrintWriter out, PrintWriter err, BufferedReader in) {
        return configure(forArgs(new KeelCommand(in), args), out, err).execute(args);
    }

    /** Settings for the whole tree: picocli applies them to the subcommands present when called. */
    static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler(Errors::usage);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /** Every command. */
    static CommandLine full(KeelCommand root) {
        CommandLine cl = new CommandLine(root);
        for (Class<?> command : ROOT) {
            cl.addSubcommand(branch(command, null));
        }
        return cl;
    }

    /** The branch {@code args} run when their first word names a command, else {@link #full}. */
    static CommandLine forArgs(KeelCommand root, String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return new CommandLine(root); // the version needs no command under the root
        }
        Class<?> command = args.length >= 1 ? named(ROOT, args[0]) : null;
        if (command == null || command == CompletionCommand.class) { // the completion script covers every command
            return full(root);
        }
        CommandLine cl = new CommandLine(root);
        cl.addSubcommand(branch(command, args.length >= 2 ? args[1] : null));
        return cl;
    }

    /** {@code command}, with its subcommand named {@code word} only when it is a group that has one, else all of them. */
    private static CommandLine branch(Class<?> command, String word) {
        CommandLine cl = new CommandLine(command);
        List<Class<?>> subs = GROUPS.get(command);
        if (subs != null) {
            Class<?> only = word == null ? null : named(subs, word);
            for (Class<?> sub : only != null ? List.of(only) : subs) {
                cl.addSubcommand(sub);
            }
        }
        return cl;
    }

    private static Class<?> named(List<Class<?>> commands, String word) {
        for (Class<?> c : commands) {
            Command a = c.getAnnotation(Command.class);
            if (a.name().equals(word) || Arrays.asList(a.aliases()).contains(word)) {
                return c;
            }
        }
        return null;
    }
}
