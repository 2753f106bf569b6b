package dev.keel.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Runs {@code keel data add NAME PATH [options]} without building picocli's model of the
 * command: picocli reads every option's annotations through reflection, a large share of the CPU
 * of a command as short as re-adding an unchanged folder, which people repeat. Only plain
 * lines are taken: the two positionals and each option of the command at most once, as
 * {@code --opt VALUE} or {@code --opt=VALUE} ({@code -m MSG} too), values not starting with
 * '-'. Anything else (help, a repeated or unknown option, {@code --}, an {@code @file}, a bad
 * format) is left to picocli, which parses it, or reports it, as it always has.
 */
final class DataAddLine {
    private DataAddLine() {}

    /** The command with its fields set as picocli would set them, or null when picocli should parse the line. */
    static DataAddCommand parse(String[] args) {
        if (args.length < 4 || !args[0].equals("data") || !args[1].equals("add")) {
            return null;
        }
        DataAddCommand c = new DataAddCommand();
        c.home = new HomeOption();
        String formatText = null;
        int positionals = 0;
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("@")) {
                return null; // picocli reads arguments from that file
            }
            if (!a.startsWith("-")) {
                if (positionals == 0) {
                    c.name = a;
                } else if (positionals == 1) {
                    c.path = path(a);
                    if (c.path == null) {
                        return null;
                    }
                } else {
                    return null;
                }
                positionals++;
                continue;
            }
            String option = a;
            String value;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                option = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return null;
            }
            if (value.startsWith("-") || value.startsWith("@")) {
                return null;
            }
            switch (option) {
                case "-m", "--message" -> {
                    if (c.message != null) {
                        return null;
                    }
                    c.message = value;
                }
                case "--description" -> {
                    if (c.description != null) {
                        return null;
                    }
                    c.description = value;
                }
                case "--visibility" -> {
                    if (c.visibility != null) {
                        return null;
                    }
                    c.visibility = value;
                }
                case "--format" -> {
                    if (formatText != null) {
                        return null;
                    }
                    formatText = value;
                }
                case "--home" -> {
                    if (c.home.home != null) {
                        return null;
                    }
                    c.home.home = path(value);
                    if (c.home.home == null) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        if (positionals != 2) {
            return null;
        }
        c.format = Format.table;
        if (formatText != null) {
            c.format = null;
            for (Format f : Format.values()) {
                if (f.name().equalsIgnoreCase(formatText)) {
                    c.format = f;
                }
            }
            if (c.format == null) {
                return null;
            }
        }
        return c;
    }

    /** Runs a parsed line as picocli would have: output on {@code out}, failures as {@link Errors} reports them. */
    static int run(DataAddCommand command, PrintWriter out, PrintWriter err) {
        try {
            return command.run(new Output(out, err));
        } catch (Exception e) {
            return Errors.report(e, err);
        }
    }

    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
