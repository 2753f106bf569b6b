package dev.keel.server.remote;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM running a main class of these tests, with its stdout lines as they come. */
final class Child implements AutoCloseable {
    final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> all = Collections.synchronizedList(new ArrayList<>());

    private Child(Process process) {
        this.process = process;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            lines.add(line);
                            if (all.size() < 400) {
                                all.add(line);
                            }
                        }
                    } catch (IOException ignored) {
                        // the child died
                    }
                },
                "child-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static Child start(Class<?> main, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        cmd.addAll(List.of(args));
        // outside the checkout, as a training program works in its own project: in the module's
        // folder a client's provenance would be a git status of this whole checkout, seconds of
        // every child's life that none of these tests is about
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .directory(new File(System.getProperty("java.io.tmpdir")));
        pb.environment().remove("KEEL_HOME");
        pb.environment().remove("KEEL_URL");
        pb.environment().remove("KEEL_MODE");
        pb.environment().remove("KEEL_API_KEY");
        pb.environment().putAll(env);
        return new Child(pb.start());
    }

    /** Waits for a line starting with {@code prefix}; returns it. */
    String await(String prefix, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (long left; (left = deadline - System.currentTimeMillis()) > 0; ) {
            String line = lines.poll(Math.min(left, 200), TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("child printed no '" + prefix + "' line; exit "
                + (process.isAlive() ? "none yet" : process.exitValue()) + "; output: " + all);
    }

    int waitFor(long timeoutMs) throws InterruptedException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child still running after " + timeoutMs + " ms; output: " + all);
        }
        return process.exitValue();
    }

    /** SIGKILL. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
