package dev.keel.internal.system;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs {@code nvidia-smi}, always with a time limit: a wedged GPU driver can make it
 * hang, and neither the monitor nor provenance capture may hang with it.
 */
public final class NvidiaSmi {
    /** How long one call may take before the child is killed. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private NvidiaSmi() {}

    /** {@code nvidia-smi} on the process's {@code PATH}, if there is one. */
    public static Optional<Path> find() {
        return find(System.getenv("PATH"));
    }

    /** {@code nvidia-smi} in one of the folders of {@code pathVariable}, if executable there. */
    public static Optional<Path> find(String pathVariable) {
        if (pathVariable == null) {
            return Optional.empty();
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "nvidia-smi");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code exe args} and returns its non-blank output lines.
     *
     * @throws IOException when it cannot start, exits non-zero, or outlives {@code timeout} (then it is killed)
     */
    public static List<String> run(Path exe, Duration timeout, String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = exe.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File(File.separatorChar == '/' ? "/dev/null" : "NUL")))
                .start();
        try {
            // The output is a few lines per GPU, far below a pipe's buffer, so waiting first cannot deadlock.
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(exe + " did not answer within " + timeout.toMillis() + " ms; killed it");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(exe + " exited with status " + p.exitValue());
            }
            return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + exe, e);
        } finally {
            p.getInputStream().close();
        }
    }
}
