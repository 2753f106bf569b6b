package dev.keel.cli.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code keel server} in a child JVM, as an operator runs it. Its output goes to a file rather
 * than a pipe: the JDK closes a child's pipe under a reader when the child exits, which would
 * lose the last lines it printed on the way out.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    public final Process process;
    public final String url;
    private final Path log;

    public ServerProcess(Path dir, String name, List<String> args, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.keel.cli.Main",
                "server"));
        command.addAll(args);
        log = dir.resolve(name + ".log");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String found = null;
        while (found == null && System.nanoTime() < deadline && process.isAlive()) {
            Matcher m = LISTENING.matcher(output());
            if (m.find()) {
                found = m.group(1);
            } else {
                Thread.sleep(50);
            }
        }
        if (found == null) {
            process.destroyForcibly();
            throw new IllegalStateException("keel server did not start:\n" + output());
        }
        url = found;
    }

    /** Everything the process printed so far. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, as a service manager stops it; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("keel server ignored SIGTERM for 30 s");
        }
        return process.exitValue();
    }

    /** SIGKILL, as a lost machine or the OOM killer ends it. */
    public void sigkill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
