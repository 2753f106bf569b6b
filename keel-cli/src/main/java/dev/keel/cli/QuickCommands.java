package dev.keel.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * The commands people repeat most ({@code keel runs}, {@code keel run show}, {@code keel data add},
 * {@code keel data checkout} and {@code keel data diff}), run without building picocli's model of them when their line is
 * a {@link PlainLine}. Picocli reads every option's annotations through reflection, a large share
 * of the CPU of a command as short as listing runs or re-adding an unchanged folder. Each command
 * gets its fields set exactly as picocli would set them (QuickCommandsTest parses the same lines
 * both ways), and prints and fails as it does through picocli.
 */
final class QuickCommands {
    /** A command whose fields are set, by picocli or by {@link #parse}. */
    interface Quick {
        int run(Output output);
    }

    private static final List<String> NONE = List.of();

    private QuickCommands() {}

    /** The command of {@code args} with its fields set, or null when picocli should parse the line. */
    static Quick parse(String[] args) {
        if (args.length == 0) {
            return null;
        }
        String group = args[0];
        String sub = args.length > 1 ? args[1] : "";
        if (group.equals("runs")) {
            return runs(args);
        }
        if (group.equals("run") && sub.equals("show")) {
            return runShow(args);
        }
        if (group.equals("data") && sub.equals("add")) {
            return dataAdd(args);
        }
        if (group.equals("data") && sub.equals("checkout")) {
            return dataCheckout(args);
        }
        if (group.equals("data") && sub.equals("diff")) {
            return dataDiff(args);
        }
        return null;
    }

    /** Runs a parsed line as picocli would have: output on {@code out}, failures as {@link Errors} reports them. */
    static int run(Quick command, PrintWriter out, PrintWriter err) {
        try {
            return command.run(new Output(out, err));
        } catch (Exception e) {
            return Errors.report(e, err);
        }
    }

    private static RunsCommand runs(String[] args) {
        PlainLine line = PlainLine.read(
                args,
                List.of("runs"),
                0,
                List.of("-p|--project", "-s|--sort", "-f|--filter", "-n|--limit", "--format", "--home"),
                NONE);
        if (line == null) {
            return null;
        }
        RunsCommand c = new RunsCommand();
        c.project = line.value("--project");
        c.sort = line.value("--sort");
        c.filter = line.value("--filter");
        if (c.filter != null && !c.filter.isBlank() && !Filters.valid(c.filter)) {
            return null; // picocli reports it as a usage error, pointing at the column
        }
        String limit = line.value("--limit");
        if (limit != null && !limit.matches("0|[1-9][0-9]{0,8}")) {
            return null;
        }
        c.limit = limit == null ? 0 : Integer.parseInt(limit);
        c.format = PlainLine.format(line.value("--format"));
        c.home = home(line);
        return c.format != null && c.home != null ? c : null;
    }

    private static RunShowCommand runShow(String[] args) {
        PlainLine line =
                PlainLine.read(args, List.of("run", "show"), 1, List.of("--format", "--home"), List.of("--full"));
        if (line == null) {
            return null;
        }
        RunShowCommand c = new RunShowCommand();
        c.runId = line.positional(0);
        c.full = line.flag("--full");
        c.format = PlainLine.format(line.value("--format"));
        c.home = home(line);
        return c.format != null && c.home != null ? c : null;
    }

    private static DataAddCommand dataAdd(String[] args) {
        PlainLine line = PlainLine.read(
                args,
                List.of("data", "add"),
                2,
                List.of("-m|--message", "--description", "--visibility", "--format", "--home"),
                NONE);
        if (line == null) {
            return null;
        }
        DataAddCommand c = new DataAddCommand();
        c.name = line.positional(0);
        c.path = PlainLine.path(line.positional(1));
        c.message = line.value("--message");
        c.description = line.value("--description");
        c.visibility = line.value("--visibility");
        c.format = PlainLine.format(line.value("--format"));
        c.home = home(line);
        return c.path != null && c.format != null && c.home != null ? c : null;
    }

    private static DataCheckoutCommand dataCheckout(String[] args) {
        PlainLine line =
                PlainLine.read(args, List.of("data", "checkout"), 2, List.of("--link", "--home"), List.of("--copy"));
        if (line == null) {
            return null;
        }
        DataCheckoutCommand c = new DataCheckoutCommand();
        c.ref = line.positional(0);
        c.dir = PlainLine.path(line.positional(1));
        String link = line.value("--link");
        c.link = link == null ? "copy" : link;
        c.copy = line.flag("--copy");
        c.home = home(line);
        return c.dir != null && c.home != null ? c : null;
    }

    private static DataDiffCommand dataDiff(String[] args) {
        PlainLine line =
                PlainLine.read(args, List.of("data", "diff"), 2, List.of("--format", "--home"), List.of("--stat"));
        if (line == null) {
            return null;
        }
        DataDiffCommand c = new DataDiffCommand();
        c.from = line.positional(0);
        c.to = line.positional(1);
        c.stat = line.flag("--stat");
        c.format = PlainLine.format(line.value("--format"));
        c.home = home(line);
        return c.format != null && c.home != null ? c : null;
    }

    /** The {@code --home} mixin as picocli sets it; null where the value names no possible path. */
    private static HomeOption home(PlainLine line) {
        HomeOption home = new HomeOption();
        String text = line.value("--home");
        if (text != null) {
            home.home = PlainLine.path(text);
            if (home.home == null) {
                return null;
            }
        }
        return home;
    }
}
