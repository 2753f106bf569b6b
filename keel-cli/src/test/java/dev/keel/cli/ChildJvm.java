package dev.keel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts a main class of this test's class path in a child JVM, with the
 * options the {@code keel} launcher gives short commands: C1 only and the serial collector. The
 * children live seconds, too short for C2's compile threads to pay back the cores they take from
 * the test (and from the other test JVM beside it).
 */
final class ChildJvm {
    private ChildJvm() {}

    /** The JVM options every child gets, before the class path. */
    static final List<String> OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    /** {@code java OPTIONS -cp CLASSPATH+extraClassPath main} ({@code extraClassPath}: a separator first, or empty). */
    static List<String> command(Class<?> main, String extraClassPath) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path") + extraClassPath);
        command.add(main.getName());
        return command;
    }

    /** {@code java OPTIONS -cp CLASSPATH main}. */
    static List<String> command(Class<?> main) {
        return command(main, "");
    }

    /** This JVM's launcher. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
