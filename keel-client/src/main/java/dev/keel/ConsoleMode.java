package dev.keel;

/**
 * How a run keeps what the program prints ({@link RunOptions.Builder#console(ConsoleMode)}); the
 * environment variable {@code KEEL_CONSOLE=auto|redirect|wrap|off} picks one where the code
 * leaves the default. Every mode still shows the output on the console as before.
 *
 * <pre>{@code
 * Keel.init(RunOptions.builder().project("p").console(ConsoleMode.WRAP).build());
 * }</pre>
 */
public enum ConsoleMode {
    /**
     * {@link #REDIRECT} where it works (Linux and macOS, with {@code System.out} and
     * {@code System.err} still the JVM's own streams), else {@link #WRAP}. The default.
     */
    AUTO,
    /**
     * Captures file descriptors 1 and 2 for as long as the run lives: every line is kept, also
     * those printed through a {@code PrintStream} taken before {@code Keel.init}, by native code
     * and by child processes that inherit the console. Falls back to {@link #WRAP}, with a
     * warning, where the platform does not allow it.
     */
    REDIRECT,
    /**
     * Replaces {@code System.out} and {@code System.err} with streams that also hand each line
     * to the run: a stream taken before {@code Keel.init}, native code and child processes are
     * not captured.
     */
    WRAP,
    /** Keeps no console lines. */
    OFF;

    /** The mode named {@code name} (any case), or null for null, blank or an unknown name. */
    public static ConsoleMode parse(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        for (ConsoleMode m : values()) {
            if (m.name().equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        return null;
    }
}
