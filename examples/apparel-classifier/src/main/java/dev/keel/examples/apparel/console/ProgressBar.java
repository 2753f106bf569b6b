package dev.keel.examples.apparel.console;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A one-line progress bar: {@code label [=====>    ] done/total suffix rate ETA}, redrawn in
 * place at most 10 times a second on a terminal. When the output is not a terminal (a pipe, a
 * file, CI), it prints a plain line at most every {@code plainEvery} seconds and at the end, so
 * logs stay readable.
 *
 * <pre>{@code
 * ProgressBar bar = ProgressBar.of("epoch 1/5", 422, "batches");
 * for (int i = 1; i <= 422; i++) { bar.update(i, "loss 0.41 acc 0.85"); }
 * bar.finish("loss 0.41 acc 0.85");
 * }</pre>
 */
public final class ProgressBar {
    private static final int WIDTH = 24;
    private final String label;
    private final long total;
    private final String unit;
    private final PrintStream out;
    private final boolean terminal;
    private final long plainEveryNanos;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;
    private boolean finished;

    public ProgressBar(
            String label, long total, String unit, PrintStream out, boolean terminal, double plainEverySeconds) {
        this.label = label;
        this.total = Math.max(0, total);
        this.unit = unit;
        this.out = out;
        this.terminal = terminal;
        this.plainEveryNanos = (long) (plainEverySeconds * 1e9);
        this.lastDrawNanos = startNanos;
    }

    /** A bar on stdout that redraws in place when stdout is a terminal, else prints a line every 5 s. */
    public static ProgressBar of(String label, long total, String unit) {
        return new ProgressBar(label, total, unit, System.out, stdoutIsTerminal(), 5);
    }

    /** Moves the bar to {@code done} units, with an optional suffix such as the running loss. */
    public void update(long done, String suffix) {
        updateLazily(done, () -> suffix);
    }

    /**
     * As {@link #update(long, String)}, building the suffix only when the bar is redrawn: a
     * training loop updates the bar every batch but it is drawn at most 10 times a second.
     */
    public void updateLazily(long done, Supplier<String> suffix) {
        long now = System.nanoTime();
        long interval = terminal ? 100_000_000L : plainEveryNanos;
        if (finished || now - lastDrawNanos < interval) {
            return;
        }
        lastDrawNanos = now;
        draw(done, suffix.get(), now, false);
    }

    /** Draws the final state and ends the line. */
    public void finish(String suffix) {
        if (!finished) {
            finished = true;
            draw(total, suffix, System.nanoTime(), true);
        }
    }

    /** Seconds since the bar was created. */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void draw(long done, String suffix, long now, boolean last) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = done / seconds;
        StringBuilder line = new StringBuilder(label).append(' ');
        if (terminal) {
            int filled = total == 0 ? WIDTH : (int) Math.min(WIDTH, WIDTH * done / total);
            line.append('[').append("=".repeat(filled));
            if (filled < WIDTH) {
                line.append('>').append(" ".repeat(WIDTH - filled - 1));
            }
            line.append("] ");
        }
        line.append(done).append('/').append(total).append(' ').append(unit);
        if (suffix != null && !suffix.isEmpty()) {
            line.append("  ").append(suffix);
        }
        line.append(String.format(Locale.ROOT, "  %.0f %s/s", rate, unit));
        if (last) {
            line.append(String.format(Locale.ROOT, "  %.1fs", seconds));
        } else if (rate > 0 && total > done) {
            line.append(String.format(Locale.ROOT, "  ETA %s", formatDuration((total - done) / rate)));
        }
        if (terminal) {
            out.print("\r\033[2K" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /**
     * Whether stdout is an interactive terminal. {@code System.console()} is null when stdin or
     * stdout is redirected up to JDK 21; from JDK 22 it exists regardless and
     * {@code Console.isTerminal()} tells, so that is asked when present.
     */
    public static boolean stdoutIsTerminal() {
        String term = System.getenv("TERM");
        if (term == null || term.equals("dumb")) {
            return false;
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
