package dev.keel.internal.console;

import com.sun.jna.Native;
import dev.keel.ConsoleMode;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Keeps what the process prints: everything still shows as before, and every complete line is
 * also handed to each installed sink.
 *
 * <pre>
 * try (ConsoleCapture.Handle h = ConsoleCapture.install(line -&gt; queue.offer(line), ConsoleMode.AUTO)) {
 *     System.out.println("epoch 1");   // printed, and the sink gets ConsoleLine("out", t, "epoch 1")
 * }
 * </pre>
 *
 * <p>Two ways to capture ({@link ConsoleMode}):
 * <ul>
 * <li><b>redirect</b> ({@link FdTee}): file descriptors 1 and 2 point at pipes while installed, so
 *     every byte written to them is captured: through {@code System.out} or a {@code PrintStream}
 *     obtained before installation, by native code, by child processes that inherit the console.
 *     Auto picks it on Linux and macOS while {@code System.out}/{@code System.err} are the JVM's
 *     own streams (a test runner or IDE that replaced them owns what they print).</li>
 * <li><b>wrap</b>: {@code System.out} and {@code System.err} are replaced by tees. Not captured:
 *     a {@code PrintStream} obtained before installation, native code, child processes.</li>
 * </ul>
 *
 * <p>Policies:
 * <ul>
 * <li>Sinks must never block: hand the line to a queue and return. A sink that throws is
 *     ignored; printing goes on. What a sink itself prints (wrap) is not captured again.</li>
 * <li>Installation is reference-counted: several runs in one JVM each install their own sink and
 *     all of them see every line; closing the last handle puts the console back (wrap: unless
 *     someone else replaced {@code System.out} meanwhile: then the tee stays, passing through)
 *     after handing on what was printed before, a last partial line included.</li>
 * <li>A line is kept whole when it is printed by one call ({@code println}); text printed in
 *     pieces by several threads at once may interleave, exactly as it does on the console.</li>
 * </ul>
 */
public final class ConsoleCapture {
    /** Lines longer than this (in encoded bytes) are cut, with a marker. */
    public static final int MAX_LINE_BYTES = 16 * 1024;

    private static final List<Consumer<ConsoleLine>> SINKS = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<Boolean> IN_SINK = ThreadLocal.withInitial(() -> false);
    /** The installed pair; null while nothing is installed. Guarded by the class lock. */
    private static Tees current;
    /** The captured descriptors while redirecting, else null. Guarded by the class lock. */
    private static FdTee[] redirected;
    /** The binding {@link #warmUp} loaded, or null: each load builds another proxy over the library. */
    private static volatile LibC warmLibC;
    /** Why redirect was not possible, once known (it does not change within a JVM). */
    private static String redirectUnavailable;

    private record Tees(
            PrintStream out, PrintStream err, PrintStream originalOut, PrintStream originalErr, AtomicBoolean active) {}

    private ConsoleCapture() {}

    /**
     * Starts handing console lines to {@code sink} until the returned handle is closed; the first
     * installation picks how ({@code mode}: never {@link ConsoleMode#OFF}), later ones share it.
     */
    public static synchronized Handle install(Consumer<ConsoleLine> sink, ConsoleMode mode) {
        String fallback = null;
        if (current == null && redirected == null) {
            Charset charset = charsetOf(System.out);
            boolean redirect = mode == ConsoleMode.REDIRECT
                    || mode == ConsoleMode.AUTO
                            && System.out.getClass() == PrintStream.class
                            && System.err.getClass() == PrintStream.class;
            if (redirect) {
                fallback = redirect(charset);
            }
            if (redirected == null) {
                replaceStreams(charset);
            }
        }
        SINKS.add(sink);
        return new Handle(sink, fallback);
    }

    /**
     * Loads the C library binding {@link #install} uses, so that a caller can have it loaded on
     * another thread beforehand; a failure is left for {@code install} to report.
     */
    public static void warmUp() {
        try {
            LibC libc = LibC.load();
            // JNA finds each function and builds its call path on the first call: made here,
            // where every call fails harmlessly on descriptor -1 (and one pipe is closed at once)
            libc.dup(-1);
            libc.dup2(-1, -1);
            libc.read(-1, new byte[1], 0);
            libc.write(-1, new byte[1], 0);
            int[] pipe = new int[2];
            if (libc.pipe(pipe) == 0) {
                libc.close(pipe[0]);
                libc.close(pipe[1]);
            }
            libc.close(-1);
            Native.getLastError();
            warmLibC = libc;
        } catch (RuntimeException | LinkageError e) {
            // install() falls back to wrapping the streams and says why
        }
    }

    /** Wrap mode, decoding with {@code charset}: for tests that swap {@code System.out} for a buffer. */
    static synchronized Handle install(Consumer<ConsoleLine> sink, Charset charset) {
        if (current == null && redirected == null) {
            replaceStreams(charset);
        }
        SINKS.add(sink);
        return new Handle(sink, null);
    }

    /** Captures descriptors 1 and 2; null when done, else why not (nothing is changed then). */
    private static String redirect(Charset charset) {
        if (redirectUnavailable != null) {
            return redirectUnavailable;
        }
        FdTee out = null;
        try {
            LibC libc = warmLibC != null ? warmLibC : LibC.load();
            System.out.flush();
            System.err.flush();
            out = FdTee.start(libc, 1, "out", charset, MAX_LINE_BYTES, ConsoleCapture::dispatch);
            FdTee err = FdTee.start(libc, 2, "err", charset, MAX_LINE_BYTES, ConsoleCapture::dispatch);
            redirected = new FdTee[] {out, err};
            return null;
        } catch (RuntimeException | LinkageError e) {
            if (out != null) {
                out.close();
            }
            redirectUnavailable = "console lines are kept from System.out and System.err only (file descriptors "
                    + "1 and 2 cannot be captured here: " + e.getMessage() + "); lines printed through a stream "
                    + "taken before Keel.init, by native code or by child processes are not kept";
            return redirectUnavailable;
        }
    }

    /** Stops one sink; idempotent. */
    public static final class Handle implements AutoCloseable {
        private final Consumer<ConsoleLine> sink;
        private final String fallback;
        private boolean closed;

        private Handle(Consumer<ConsoleLine> sink, String fallback) {
            this.sink = sink;
            this.fallback = fallback;
        }

        /** Why redirect was asked for (or picked) but wrap is used instead; null otherwise. */
        public String fallback() {
            return fallback;
        }

        @Override
        public void close() {
            synchronized (ConsoleCapture.class) {
                if (closed) {
                    return;
                }
                closed = true;
                if (redirected != null) {
                    System.out.flush(); // what the JVM buffered goes into the pipes before they close
                    System.err.flush();
                    if (SINKS.size() == 1) {
                        for (FdTee tee : redirected) {
                            tee.close(); // drains: the last lines still reach this sink
                        }
                        redirected = null;
                    }
                    SINKS.remove(sink);
                    return;
                }
                current.out().flush(); // hand a pending partial line to this sink too
                current.err().flush();
                SINKS.remove(sink);
                if (SINKS.isEmpty()) {
                    restoreStreams();
                }
            }
        }
    }

    static synchronized int installedSinks() {
        return SINKS.size();
    }

    private static void replaceStreams(Charset charset) {
        AtomicBoolean active = new AtomicBoolean(true);
        Consumer<ConsoleLine> toSinks = line -> {
            if (active.get()) {
                dispatch(line);
            }
        };
        // not autoflush: the original stream flushes itself, and our flush() means "hand on a partial line"
        PrintStream out =
                new PrintStream(new LineTee(System.out, "out", charset, MAX_LINE_BYTES, toSinks), false, charset);
        PrintStream err =
                new PrintStream(new LineTee(System.err, "err", charset, MAX_LINE_BYTES, toSinks), false, charset);
        current = new Tees(out, err, System.out, System.err, active);
        System.setOut(out);
        System.setErr(err);
    }

    /**
     * Puts the original streams back where ours are still installed. Where someone replaced them
     * meanwhile (and may be writing through ours), ours stay as a silent pass-through, so a later
     * installation never sees one line twice.
     */
    private static void restoreStreams() {
        current.active().set(false);
        if (System.out == current.out()) {
            System.setOut(current.originalOut());
        }
        if (System.err == current.err()) {
            System.setErr(current.originalErr());
        }
        current = null;
    }

    private static void dispatch(ConsoleLine line) {
        if (IN_SINK.get()) {
            return;
        }
        IN_SINK.set(true);
        try {
            for (Consumer<ConsoleLine> sink : SINKS) {
                try {
                    sink.accept(line);
                } catch (RuntimeException | Error e) {
                    // a broken sink must never break printing
                }
            }
        } finally {
            IN_SINK.set(false);
        }
    }

    /**
     * The charset {@code stream} encodes with, so that the tee writes the same bytes it would have:
     * {@code PrintStream.charset()} from Java 18 on; on 17 the properties the JVM itself used.
     */
    static Charset charsetOf(PrintStream stream) {
        try {
            return (Charset) PrintStream.class.getMethod("charset").invoke(stream);
        } catch (ReflectiveOperationException | ClassCastException e) {
            // Java 17: fall through
        }
        for (String key : new String[] {"stdout.encoding", "sun.stdout.encoding"}) {
            String name = System.getProperty(key);
            if (name != null) {
                try {
                    return Charset.forName(name);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    // try the next
                }
            }
        }
        return Charset.defaultCharset();
    }
}
