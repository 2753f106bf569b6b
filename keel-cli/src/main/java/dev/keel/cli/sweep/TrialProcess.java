package dev.keel.cli.sweep;

import dev.keel.core.KeelException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One trial's program, started through a small shell wrapper ({@code trial-wrapper.sh}) that
 * leads a new process group. Ending the trial is one act in every case: the wrapper's stdin
 * closes, and it sends the whole group SIGTERM, waits the grace period, then SIGKILL. The agent
 * closes that pipe to kill a trial (timeout, cancel); the kernel closes it when the agent dies,
 * even by SIGKILL, which no shutdown hook or {@link ProcessHandle} reaping survives. So a
 * trial's program never outlives its agent by more than the grace period.
 */
public final class TrialProcess {
    private static final String WRAPPER = loadWrapper();

    private final Process process;
    private final OutputStream lifeline;
    private final List<Thread> pumps = new ArrayList<>();
    private volatile long killRequestedNanos;

    private TrialProcess(Process process) {
        this.process = process;
        this.lifeline = process.getOutputStream();
    }

    /**
     * Starts {@code command} in {@code workDir} with {@code env} added to this process's
     * environment; every line it prints goes to {@code lines} (stdout and stderr alike).
     */
    public static TrialProcess start(
            List<String> command, Path workDir, Map<String, String> env, long graceMillis, Consumer<String> lines) {
        if (command.isEmpty()) {
            throw KeelException.invalid("the sweep has no command to run: add 'command: [./run, train]' (or"
                    + " 'program:') to its configuration");
        }
        List<String> full = new ArrayList<>(groupLeader());
        full.add("/bin/sh");
        full.add("-c");
        full.add(WRAPPER);
        full.add("keel-trial");
        full.add(Long.toString(Math.max(1, (graceMillis + 999) / 1000)));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).directory(workDir.toFile());
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw KeelException.invalid("cannot start the trial's command " + command + " in " + workDir + " ("
                    + e.getMessage() + "): check the sweep's 'command' and the agent's working folder");
        }
        TrialProcess t = new TrialProcess(p);
        t.pump(p.getInputStream(), lines);
        t.pump(p.getErrorStream(), lines);
        return t;
    }

    /**
     * {@code setsid} where it exists (Linux), else perl's {@code setpgrp} (macOS): either makes the
     * wrapper the leader of a new process group without a new process in between.
     */
    private static List<String> groupLeader() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, "setsid"))) {
                return List.of(dir + "/setsid");
            }
        }
        for (String dir : List.of("/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, "perl"))) {
                return List.of(dir + "/perl", "-e", "setpgrp(0, 0); exec { $ARGV[0] } @ARGV or die \"$ARGV[0]: $!\"");
            }
        }
        throw KeelException.invalid("keel agent needs setsid (util-linux) or perl to give each trial its own process"
                + " group: install one of them");
    }

    private void pump(InputStream in, Consumer<String> lines) {
        Thread t = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            lines.accept(line);
                        }
                    } catch (IOException ignored) {
                        // the process is gone; what it printed before is already passed on
                    }
                },
                "keel-trial-output");
        t.setDaemon(true);
        t.start();
        pumps.add(t);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The wrapper's exit status: the program's, or 128 + the signal that ended it. */
    public int exitValue() {
        return process.exitValue();
    }

    /**
     * Ends the program: SIGTERM to its process group now, SIGKILL after the grace period (the
     * wrapper does both). Idempotent.
     */
    public void kill() {
        if (killRequestedNanos == 0) {
            killRequestedNanos = System.nanoTime();
        }
        try {
            lifeline.close();
        } catch (IOException ignored) {
            // already closed: the wrapper is ending the group
        }
    }

    /**
     * When the wrapper itself does not end {@code extraMillis} after its grace period (it was
     * stopped, or sh misbehaves), kills what is left of the tree from here.
     */
    public void enforce(long graceMillis, long extraMillis) {
        if (killRequestedNanos != 0
                && process.isAlive()
                && System.nanoTime() - killRequestedNanos > TimeUnit.MILLISECONDS.toNanos(graceMillis + extraMillis)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** Waits for the output of an ended process to be passed on (its last lines). */
    public void drain(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (Thread t : pumps) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return;
            }
            try {
                t.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String loadWrapper() {
        try (InputStream in = TrialProcess.class.getResourceAsStream("trial-wrapper.sh")) {
            if (in == null) {
                throw new IllegalStateException("trial-wrapper.sh is missing from the keel jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
