package dev.keel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Arrays;
import java.util.List;

/**
 * Builds the command tree. Picocli reflects over every command class it is given, and building
 * all of them costs a fresh JVM about 0.3 s of CPU: more than the whole work of re-adding an
 * unchanged dataset. So {@code keel data X …} builds only the branch it runs (root, data, X);
 * every other command line (help, completion, a misspelt command) gets the whole tree, so its
 * usage text, suggestions and completion script stay the same.
 */
final class CommandTree {
    /** The root's subcommands in help order; kept here, not in the annotation, which would build them all. */
    private static final List<Class<?>> ROOT = List.of(
            InitCommand.class,
            RunsCommand.class,
            RunCommand.class,
            DataCommand.class,
            ModelCommand.class,
            ProjectsCommand.class,
            DemoCommand.class,
            UiCommand.class,
            ServerCommand.class,
            LoginCommand.class,
            SyncCommand.class,
            CacheCommand.class,
            CompletionCommand.class);
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

    /** {@code keel model}'s subcommands in help order. */
    private static final List<Class<?>> MODEL = List.of(
            ModelCommands.Register.class,
            ModelCommands.Ls.class,
            ModelCommands.Show.class,
            ModelCommands.Versions.class,
            ModelCommands.Alias.class,
            ModelCommands.Tag.class,
            ModelCommands.Rm.class,
            ModelCommands.Pull.class);

    private CommandTree() {}

    /** Every command. */
    static CommandLine full(KeelCommand root) {
        CommandLine cl = new CommandLine(root);
        ROOT.forEach(cl::addSubcommand);
        CommandLine data = cl.getSubcommands().get("data");
        DATA.forEach(data::addSubcommand);
        CommandLine model = cl.getSubcommands().get("model");
        MODEL.forEach(model::addSubcommand);
        return cl;
    }

    /** The branch {@code args} run when they name a data subcommand, else {@link #full}. */
    static CommandLine forArgs(KeelCommand root, String[] args) {
        Class<?> only = args.length >= 2 && args[0].equals("data") ? named(DATA, args[1]) : null;
        if (only == null) {
            return full(root);
        }
        CommandLine cl = new CommandLine(root);
        cl.addSubcommand(DataCommand.class);
        cl.getSubcommands().get("data").addSubcommand(only);
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
