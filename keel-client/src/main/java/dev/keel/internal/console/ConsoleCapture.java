package dev.keel.internal.console;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Tees {@code System.out} and {@code System.err}: everything still prints as before, and every
 * complete line is also handed to each installed sink.
 *
 * <pre>
 * try (ConsoleCapture.Handle h = ConsoleCapture.install(line -&gt; queue.offer(line))) {
 *     System.out.println("epoch 1");   // printed, and the sink gets ConsoleLine("out", t, "epoch 1")
 * }
 * </pre>
 *
 * <p>Policies:
 * <ul>
 * <li>Sinks run on the printing thread while the stream is locked, so a sink must never block:
 *     hand the line to a queue and return. A sink that throws is ignored; printing goes on.
 *     What a sink itself prints is not captured again.</li>
 * <li>Installation is reference-counted: several runs in one JVM each install their own sink and
 *     all of them see every line; closing the last handle puts the original streams back (unless
 *     someone else replaced {@code System.out} meanwhile: then the tee stays, passing through).</li>
 * <li>Captured: everything printed through {@code System.out}/{@code System.err} as they are
 *     while installed, including by loggers that look the stream up on each write.
 *     Not captured: a {@code PrintStream} obtained before installation (e.g. a logger that kept
 *     {@code System.out} in a field), and native code writing to file descriptors 1 and 2.</li>
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

    private record Tees(PrintStream out, PrintStream err, PrintStream originalOut, PrintStream originalErr,
            AtomicBoolean active) {
    }

    private ConsoleCapture() {
    }

    /** Starts handing console lines to {@code sink} until the returned handle is closed. */
    public static Handle install(Consumer<ConsoleLine> sink) {
        return install(sink, null);
    }

    /** As {@link #install(Consumer)}, decoding with {@code charset} (null: the console's own). */
    static synchronized Handle install(Consumer<ConsoleLine> sink, Charset charset) {
        if (current == null) {
            replaceStreams(charset != null ? charset : charsetOf(System.out));
        }
        SINKS.add(sink);
        return new Handle(sink);
    }

    /** Stops one sink; idempotent. */
    public static final class Handle implements AutoCloseable {
        private final Consumer<ConsoleLine> sink;
        private boolean closed;

        private Handle(Consumer<ConsoleLine> sink) {
            this.sink = sink;
        }

        @Override
        public void close() {
            synchronized (ConsoleCapture.class) {
                if (closed) {
                    return;
                }
                closed = true;
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
        PrintStream out = new PrintStream(new LineTee(System.out, "out", charset, MAX_LINE_BYTES, toSinks), false, charset);
        PrintStream err = new PrintStream(new LineTee(System.err, "err", charset, MAX_LINE_BYTES, toSinks), false, charset);
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
