package dev.keel.internal.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Starts {@link ChildMain} in a child JVM with this test's class path and reads its output. */
final class ChildProcesses {
    private ChildProcesses() {}

    /** A running child: its process and its stdout lines as they come. */
    record Child(Process process, BlockingQueue<String> lines, List<String> all) {
        String await(String prefix, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            for (long left; (left = deadline - System.currentTimeMillis()) > 0; ) {
                String line = lines.poll(left, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError("child printed no '" + prefix + "' line in " + timeoutMs + " ms; output: " + all);
        }
    }

    static Child start(Path java, Path home, String mode) throws IOException {
        return start(java, home, mode, List.of());
    }

    /** As {@link #start(Path, Path, String)}, with extra JVM options before the main class. */
    static Child start(Path java, Path home, String mode, List<String> jvmOptions) throws IOException {
        return start(java, home, mode, jvmOptions, Map.of());
    }

    /** As {@link #start(Path, Path, String, List)}, with extra environment variables. */
    static Child start(Path java, Path home, String mode, List<String> jvmOptions, Map<String, String> env)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                ChildMain.class.getName(),
                home.toAbsolutePath().toString(),
                mode));
        // the child works beside its Keel folder, as a training program works in its own project:
        // in the module's folder its provenance would be a git status of this whole checkout,
        // seconds of every child's life that none of these tests is about
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .directory(home.toAbsolutePath().getParent().toFile());
        pb.environment().remove("KEEL_HOME");
        pb.environment().keySet().removeAll(List.of("KEEL_RUN_ID", "KEEL_SWEEP", "KEEL_RESUME", "KEEL_URL"));
        pb.environment().putAll(env);
        // a per-user cache of the test's own (SQLite's native library): the children must not
        // depend on the CI user's home being writable
        Path cache = Path.of("target", "test-xdg-cache").toAbsolutePath();
        Files.createDirectories(
                cache, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        Process p = pb.start();
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        List<String> all = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            q.add(line);
                            if (all.size() < 200 || !line.startsWith("at ")) {
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
        return new Child(p, q, all);
    }

    /** This JVM's java launcher. */
    static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The Temurin 25 launcher this machine may have beside the default JDK; null when absent. */
    static Path temurin25() {
        Path java = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        return Files.isExecutable(java) ? java : null;
    }
}
