package dev.keel.cli.view;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A recorded command line with its class path folded to a count ({@code java -cp [48 jars,
 * 1 folder] Main args}): the class path is most of a JVM command's length and says little at a
 * glance. {@code keel run show --full} prints it whole.
 */
public final class CommandLines {
    private static final Set<String> CLASS_PATH_OPTIONS = Set.of("-cp", "-classpath", "--class-path");

    private CommandLines() {}

    /** The words with the class path after {@code -cp} (or {@code -classpath}…) replaced by a count. */
    public static String shortened(List<String> argv) {
        List<String> out = new ArrayList<>(argv.size());
        for (int i = 0; i < argv.size(); i++) {
            String word = argv.get(i);
            out.add(word);
            if (CLASS_PATH_OPTIONS.contains(word) && i + 1 < argv.size()) {
                out.add(count(argv.get(++i)));
            }
        }
        return String.join(" ", out);
    }

    /** {@code [48 jars, 1 folder]} for a class path. */
    static String count(String classPath) {
        int jars = 0;
        int other = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                jars++;
            } else if (!entry.isBlank()) {
                other++;
            }
        }
        List<String> parts = new ArrayList<>();
        if (jars > 0) {
            parts.add(jars + (jars == 1 ? " jar" : " jars"));
        }
        if (other > 0) {
            parts.add(other + (other == 1 ? " folder" : " folders"));
        }
        return "[" + String.join(", ", parts) + "]";
    }
}
