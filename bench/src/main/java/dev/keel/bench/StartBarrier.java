package dev.keel.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Starts child processes' timed work together: each child says READY on stdout once set up and
 * waits for a line on stdin; the parent sends it when all are ready. So a multi-process span
 * measures the processes working at once, not their staggered JVM starts.
 */
final class StartBarrier {
    private StartBarrier() {
    }

    /** A child's side of the barrier: says it is ready, then waits for the parent's go. */
    static void awaitGo() {
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

    /** Waits until every child is initialised, then starts them all at once. */
    static void release(List<Process> children) {
        release(children, () -> { });
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
