package dev.keel.cli.demo;

import java.util.Map;

/**
 * What a child process's exit status says, in words: a status of 128 + n is how a process killed
 * by signal n ends (the shell's convention, and what {@code Process.waitFor} reports), e.g.
 * {@code 137} → "was killed by SIGKILL (signal 9)"; anything else → "exited with code 3".
 */
public final class ExitStatus {
    private static final Map<Integer, String> SIGNALS = Map.of(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 6, "SIGABRT", 9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 14,
            "SIGALRM", 15, "SIGTERM");

    private ExitStatus() {}

    /** The signal that ended the process, or 0 when it exited by itself. */
    public static int signal(int status) {
        return status > 128 && status <= 128 + 64 ? status - 128 : 0;
    }

    /** "was killed by SIGKILL (signal 9)" or "exited with code 3". */
    public static String describe(int status) {
        int signal = signal(status);
        if (signal == 0) {
            return "exited with code " + status;
        }
        String name = SIGNALS.get(signal);
        return "was killed by " + (name != null ? name + " (signal " + signal + ")" : "signal " + signal);
    }
}
