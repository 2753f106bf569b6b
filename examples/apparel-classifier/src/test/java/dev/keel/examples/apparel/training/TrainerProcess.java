package dev.keel.examples.apparel.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** RunExperiment in a child JVM, working in {@code dir} (its .keel folder and artifacts/), and what it prints. */
final class TrainerProcess {
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    private TrainerProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code RunExperiment training/experiments/mlp.yaml ARGS…} with {@code env} added to
     * its environment (e.g. {@code KEEL_RESUME}, as {@code keel run resume} starts it) and
     * {@code jvmOptions} before the main class.
     */
    static TrainerProcess start(Path dir, List<String> args, Map<String, String> env, String... jvmOptions)
            throws IOException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-Djava.awt.headless=true",
                "-XX:+UseSerialGC"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                RunExperiment.class.getName(),
                Path.of("training/experiments/mlp.yaml").toAbsolutePath().toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("KEEL_HOME", dir.resolve(".keel").toString());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        // as `keel demo` and `keel run resume` start it: thread counts fixed however busy the machine
        pb.environment().put("MKL_DYNAMIC", "FALSE");
        pb.environment().put("OMP_DYNAMIC", "FALSE");
        pb.environment().keySet().removeAll(List.of("KEEL_RESUME", "KEEL_RUN_ID", "KEEL_SWEEP", "KEEL_URL"));
        if (env != null) {
            pb.environment().putAll(env);
        }
        TrainerProcess c = new TrainerProcess(pb.start());
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(c.process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String l; (l = r.readLine()) != null; ) {
                            synchronized (c.lines) {
                                c.lines.add(l);
                                c.lines.notifyAll();
                            }
                        }
                    } catch (IOException ignored) {
                        // the child is gone
                    }
                },
                "child-output");
        reader.setDaemon(true);
        reader.start();
        return c;
    }

    Process process() {
        return process;
    }

    /** Every line printed so far; synchronize on it to read it while the child runs. */
    List<String> lines() {
        return lines;
    }

    String awaitLine(Predicate<String> p) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        synchronized (lines) {
            for (int seen = 0; ; ) {
                for (; seen < lines.size(); seen++) {
                    if (p.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || !process.isAlive() && seen == lines.size()) {
                    throw new AssertionError("no such line; output: " + lines);
                }
                lines.wait(Math.min(left, 200));
            }
        }
    }

    int waitFor() throws InterruptedException {
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not finish in 180 s: " + lines);
        }
        Thread.sleep(100); // let the reader take the last lines
        return process.exitValue();
    }
}
