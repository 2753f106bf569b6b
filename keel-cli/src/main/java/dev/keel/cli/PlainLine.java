package dev.keel.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command line read without picocli, where it is plain enough that its meaning is certain:
 * the command's words, then its positionals and options in any order, each option at most once,
 * as {@code --opt VALUE}, {@code --opt=VALUE} or {@code -o VALUE}, flags alone. Anything else (a
 * help or version option, an unknown or repeated option, clustered short options, {@code --},
 * an {@code @file}, a value that picocli could take for an option) makes {@link #read} answer
 * null, and the line goes to picocli, which parses or reports it as it always has.
 */
final class PlainLine {
    /** The letters after one dash that picocli may read as options: the help mixin's, and the command's own. */
    private static final String HELP_LETTERS = "hV";

    private final List<String> positionals = new ArrayList<>();
    /** Values by each option's last (long) name; flags map to "". */
    private final Map<String, String> values = new HashMap<>();

    private PlainLine() {}

    /**
     * Reads {@code args} as the command named by {@code words} with {@code positionals}
     * positionals, the options {@code valued} (each "ALIAS|ALIAS", taking one value) and the
     * {@code flags} (taking none); null when the line is another command's or not plain.
     */
    static PlainLine read(String[] args, List<String> words, int positionals, List<String> valued, List<String> flags) {
        if (args.length < words.size()) {
            return null;
        }
        for (int i = 0; i < words.size(); i++) {
            if (!args[i].equals(words.get(i))) {
                return null;
            }
        }
        Map<String, String> names = new HashMap<>(); // alias -> last alias
        Set<String> flagNames = new HashSet<>();
        StringBuilder letters = new StringBuilder(HELP_LETTERS);
        for (List<String> group : List.of(valued, flags)) {
            for (String option : group) {
                String[] aliases = option.split("\\|");
                for (String alias : aliases) {
                    names.put(alias, aliases[aliases.length - 1]);
                    if (group == flags) {
                        flagNames.add(alias);
                    }
                    if (alias.length() == 2) {
                        letters.append(alias.charAt(1));
                    }
                }
            }
        }
        PlainLine line = new PlainLine();
        for (int i = words.size(); i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("@")) {
                return null; // picocli reads arguments from that file
            }
            if (!a.startsWith("-")) {
                line.positionals.add(a);
                continue;
            }
            String option = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                option = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            String key = names.get(option);
            if (key == null || line.values.containsKey(key)) {
                return null;
            }
            if (flagNames.contains(option)) {
                if (value != null) {
                    return null;
                }
                line.values.put(key, "");
                continue;
            }
            if (value == null) {
                if (i + 1 == args.length) {
                    return null;
                }
                value = args[++i];
            }
            if (!plainValue(value, letters)) {
                return null;
            }
            line.values.put(key, value);
        }
        return line.positionals.size() == positionals ? line : null;
    }

    /**
     * Whether picocli surely takes {@code value} as the option's value: not an {@code @file},
     * and where it starts with a dash, one that names no option (as "-acc" for a descending sort
     * does, when no option is "-a").
     */
    private static boolean plainValue(String value, CharSequence letters) {
        if (value.startsWith("@")) {
            return false;
        }
        if (!value.startsWith("-")) {
            return true;
        }
        return value.length() > 1 && value.charAt(1) != '-' && letters.chars().noneMatch(c -> c == value.charAt(1));
    }

    /** The positionals in order. */
    String positional(int index) {
        return positionals.get(index);
    }

    /** The option's value, by its last name; null when not given. */
    String value(String name) {
        return values.get(name);
    }

    /** Whether the flag was given, by its last name. */
    boolean flag(String name) {
        return values.containsKey(name);
    }

    /** {@code text} as a path, or null where it cannot be one (picocli then reports it). */
    static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** The format named (any case, as the command line allows), or null when none is. */
    static Format format(String text) {
        if (text == null) {
            return Format.table;
        }
        for (Format f : Format.values()) {
            if (f.name().equalsIgnoreCase(text)) {
                return f;
            }
        }
        return null;
    }
}
