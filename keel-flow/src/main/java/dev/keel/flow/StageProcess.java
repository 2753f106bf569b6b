package dev.keel.flow;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a stage's command as a child process: {@code sh -c COMMAND} in the project folder, with
 * extra environment variables, its output and error merged and handed over line by line.
 */
public final class StageProcess {
    private StageProcess() {}

    /** The command's exit code; 127 when the shell cannot be started. */
    public static int run(Path root, String command, Map<String, String> env, Consumer<String> lines)
            throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            lines.accept("keel: cannot start sh to run '" + command + "': " + e.getMessage());
            return 127;
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.accept(line);
            }
        } catch (IOException e) {
            lines.accept("keel: lost the output of '" + command + "': " + e.getMessage());
        }
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            throw e;
        }
    }
}
