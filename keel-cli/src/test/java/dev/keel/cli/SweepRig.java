package dev.keel.cli;

import dev.keel.core.Json;
import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.Trial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Sweeps and agents for the agent tests: a configuration whose command runs
 * {@link SweepTrialProgram} in a child JVM, and {@code keel agent} itself in a child JVM (so it can
 * be SIGKILLed), its output kept in a file.
 */
final class SweepRig {
    private SweepRig() {}

    /**
     * The YAML list that runs {@link SweepTrialProgram} with this JVM's class path; its SDK looks
     * for a stop request every 200 ms instead of every 2 s, so a stop takes effect without the
     * test waiting out the interval.
     */
    static String trialCommand() {
        return Json.write(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dai.djl.offline=true",
                "-Dkeel.stopCheckIntervalMs=200",
                "-cp",
                System.getProperty("java.class.path"),
                SweepTrialProgram.class.getName()));
    }

    /** A configuration over {@code parameters} (YAML lines, indented by two) with the test program as its command. */
    static String config(String method, String parameters, String extra) {
        return "name: test-sweep\nproject: sweeps\nmethod: " + method + "\nmetric:\n  name: loss\n  goal: minimize\n"
                + "parameters:\n" + parameters + extra + "command: " + trialCommand() + "\n";
    }

    /** Creates the sweep in the embedded store of {@code home} through {@code keel sweep create}. */
    static String create(Path home, Path dir, String yaml) throws IOException {
        Path file = dir.resolve("sweep-" + System.nanoTime() + ".yaml");
        Files.writeString(file, yaml);
        Cli.Result r = new Cli(home).run("sweep", "create", file.toString());
        if (r.code() != 0) {
            throw new AssertionError("keel sweep create failed: " + r.err());
        }
        return r.out().strip();
    }

    static List<Trial> trials(Path home, String sweepId) {
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            return store.sweeps().trials(sweepId);
        }
    }

    static Sweep sweep(Path home, String sweepId) {
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            return store.sweeps().sweep(sweepId).orElseThrow();
        }
    }

    /** Polls {@code home}'s trials until {@code done} holds (fails after {@code seconds}). */
    static List<Trial> awaitTrials(Path home, String sweepId, Predicate<List<Trial>> done, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Trial> trials = List.of();
        while (System.nanoTime() < deadline) {
            trials = trials(home, sweepId);
            if (done.test(trials)) {
                return trials;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("trials never reached the expected state: " + trials);
    }

    /** The arguments of {@code keel agent} for {@code sweep}: what these tests and the Kubernetes Job run. */
    static List<String> agentArgs(String sweep, String... options) {
        List<String> args = new ArrayList<>(List.of("agent", sweep));
        args.addAll(List.of(options));
        return args;
    }

    /** {@code keel agent} in a child JVM. */
    static final class AgentProcess implements AutoCloseable {
        final Process process;
        private final Path log;

        AgentProcess(Path dir, String name, Path home, Map<String, String> env, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m",
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName()));
            command.addAll(agentArgs(args[0], Arrays.copyOfRange(args, 1, args.length)));
            if (home != null) {
                command.add("--home");
                command.add(home.toString());
            }
            log = dir.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().remove("KEEL_URL");
            pb.environment().remove("KEEL_HOME");
            pb.environment().put("OPT_OUT_TRACKING", "true");
            pb.environment().putAll(env);
            process = pb.start();
        }

        String output() {
            try {
                return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits for the agent to exit; returns its exit code (fails after {@code seconds}). */
        int await(int seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("keel agent did not finish in " + seconds + " s:\n" + output());
            }
            return process.exitValue();
        }

        /** SIGKILL: no shutdown hook runs. */
        void sigkill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
