package dev.keel.bench;

import com.sun.management.OperatingSystemMXBean;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child JVMs of the multi-process harnesses: starting them, starting their timed work
 * together, and collecting their spans. Each child says READY on stdout once set up and waits
 * for a line on stdin; the parent sends it when all are ready, so a multi-process span measures
 * the processes working at once, not their staggered JVM starts. A child ends by printing
 * {@code SPAN <start ms> <end ms>}.
 */
final class Children {
    private Children() {}

    /**
     * Starts child {@code index}: this benchmark jar's {@code harness} with {@code args}, stderr
     * inherited. {@code KEEL_BENCH_CHILD_OPTS} adds JVM options ({@code {i}} becomes the index),
     * e.g. {@code -XX:StartFlightRecording=filename=/tmp/c{i}.jfr} to profile the children.
     */
    static Process start(int index, String harness, List<String> args, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String opts = System.getenv("KEEL_BENCH_CHILD_OPTS");
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(
                    List.of(opts.trim().replace("{i}", Integer.toString(index)).split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Bench.class.getName(), harness));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        // each harness chooses local or remote mode itself: none inherited from the caller's shell
        pb.environment().keySet().removeAll(List.of("KEEL_MODE", "KEEL_URL", "KEEL_API_KEY"));
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for every child; the earliest start and latest end of their spans, or null when interrupted. */
    static long[] spans(List<Process> children) {
        long first = Long.MAX_VALUE;
        long last = 0;
        for (Process p : children) {
            try {
                for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
                    if (line.startsWith("SPAN ")) {
                        String[] w = line.trim().split(" ");
                        first = Math.min(first, Long.parseLong(w[1]));
                        last = Math.max(last, Long.parseLong(w[2]));
                    }
                }
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("a child exited with " + p.exitValue());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new long[] {first, last};
    }

    /** A child's side of the barrier: says it is ready, then waits for the parent's go. */
    static void awaitGo() {
        settle();
        System.out.println("READY");
        System.out.flush();
        try {
            if (new BufferedReader(new InputStreamReader(System.in)).readLine() == null) {
                throw new IllegalStateException("the parent went away before the start");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until this process has gone quiet (at most 5 s): the one-time work a process's first
     * run starts in the background (provenance capture: git status, dependency list, machine)
     * takes a noticeable share of a core. The harnesses measure sustained logging; with eight
     * children on two cores, eight start-ups inside the measured span would distort it. (The
     * {@code with-jvm-starts} figures still include everything.) Quiet: under 10 ms of CPU in
     * 100 ms, the logging thread itself being idle here.
     */
    private static void settle() {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long deadline = System.nanoTime() + 5_000_000_000L;
        long before = os.getProcessCpuTime();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = os.getProcessCpuTime();
            if (now - before < 10_000_000L) {
                return;
            }
            before = now;
        }
    }

    /** Waits until every child is initialised, then starts them all at once. */
    static void release(List<Process> children) {
        release(children, () -> {});
    }

    /** As above; {@code beforeGo} runs once all are ready, just before they start. */
    static void release(List<Process> children, Runnable beforeGo) {
        try {
            for (Process p : children) {
                String line;
                while ((line = readLineUnbuffered(p.getInputStream())) != null && !line.equals("READY")) {
                    // a child prints nothing else before it is ready
                }
                if (line == null) {
                    throw new IllegalStateException("a child ended before it was ready");
                }
            }
            beforeGo.run();
            for (Process p : children) {
                p.getOutputStream().write("go\n".getBytes());
                p.getOutputStream().flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line, read byte by byte, so nothing after it is swallowed by a buffer the caller drops. */
    private static String readLineUnbuffered(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                return sb.toString();
            }
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
