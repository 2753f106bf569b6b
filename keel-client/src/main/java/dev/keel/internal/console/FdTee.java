package dev.keel.internal.console;

import com.sun.jna.Native;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Points one file descriptor (1 or 2) at a pipe for as long as it is open: a daemon thread
 * reads the pipe, writes every byte on to where the descriptor pointed before and cuts the bytes
 * into lines for the sink. So whatever writes to the descriptor is captured: a
 * {@code PrintStream} taken before, native code, child processes that inherit it.
 *
 * <p>Policies:
 * <ul>
 * <li>Writers never wait on Keel: the reader only forwards and hands lines to a sink that must
 *     not block. A forwarding or sink failure is skipped and reading goes on; should the reader
 *     die all the same, it points the descriptor back first, so a full pipe never blocks a
 *     writer.</li>
 * <li>{@link #close()} points the descriptor back at once, then waits (bounded) until the reader
 *     has read everything written before, including a last partial line. A child process that
 *     still holds the pipe keeps being forwarded, but its lines no longer reach the sink.</li>
 * </ul>
 */
final class FdTee implements AutoCloseable {
    private static final long DRAIN_WAIT_MS = 2_000;

    private final LibC libc;
    private final int fd;
    private final int saved;
    private final int readEnd;
    private final LineTee lines;
    private final Thread reader;
    private volatile boolean toSink = true;
    private boolean restored;

    private FdTee(
            LibC libc,
            int fd,
            int saved,
            int readEnd,
            String stream,
            Charset charset,
            int maxLineBytes,
            Consumer<ConsoleLine> sink) {
        this.libc = libc;
        this.fd = fd;
        this.saved = saved;
        this.readEnd = readEnd;
        Consumer<ConsoleLine> gated = line -> {
            if (toSink) {
                sink.accept(line);
            }
        };
        this.lines =
                new LineTee(new PrintStream(OutputStream.nullOutputStream()), stream, charset, maxLineBytes, gated);
        this.reader = new Thread(this::pump, "keel-console-" + stream);
        reader.setDaemon(true);
    }

    /** Starts capturing {@code fd}; throws {@link IllegalStateException} naming the call that failed. */
    static FdTee start(
            LibC libc, int fd, String stream, Charset charset, int maxLineBytes, Consumer<ConsoleLine> sink) {
        int saved = libc.dup(fd);
        if (saved < 0) {
            throw new IllegalStateException("dup(" + fd + ") failed, errno " + Native.getLastError());
        }
        int[] pipe = new int[2];
        if (libc.pipe(pipe) != 0) {
            int errno = Native.getLastError();
            libc.close(saved);
            throw new IllegalStateException("pipe() failed, errno " + errno);
        }
        if (libc.dup2(pipe[1], fd) < 0) {
            int errno = Native.getLastError();
            libc.close(pipe[0]);
            libc.close(pipe[1]);
            libc.close(saved);
            throw new IllegalStateException("dup2(pipe, " + fd + ") failed, errno " + errno);
        }
        libc.close(pipe[1]); // fd is now the pipe's only write end of ours: pointing it back ends the stream
        FdTee tee = new FdTee(libc, fd, saved, pipe[0], stream, charset, maxLineBytes, sink);
        tee.reader.start();
        return tee;
    }

    private void pump() {
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                long n = libc.read(readEnd, buffer, buffer.length);
                if (n == 0) {
                    break; // every write end is closed: all was read
                }
                if (n < 0) {
                    if (Native.getLastError() == LibC.EINTR) {
                        continue;
                    }
                    break;
                }
                forward(buffer, (int) n);
                try {
                    lines.write(buffer, 0, (int) n);
                } catch (RuntimeException e) {
                    // the sink side failed: the console still gets everything
                }
            }
            lines.flush(); // a last line without its newline
        } catch (RuntimeException | Error e) {
            // fall through: never leave writers facing a pipe nobody reads
        } finally {
            restore();
            synchronized (this) {
                libc.close(readEnd);
                libc.close(saved);
            }
        }
    }

    /** Writes to where the descriptor pointed before; a console that is gone is ignored. */
    private void forward(byte[] buffer, int n) {
        byte[] rest = buffer;
        int left = n;
        while (left > 0) {
            long w = libc.write(saved, rest, left);
            if (w < 0) {
                if (Native.getLastError() == LibC.EINTR) {
                    continue;
                }
                return;
            }
            if (w < left) {
                rest = Arrays.copyOfRange(rest, (int) w, left);
            }
            left -= (int) w;
        }
    }

    /** Points the descriptor back where it was; once. */
    private synchronized void restore() {
        if (!restored) {
            restored = true;
            libc.dup2(saved, fd);
        }
    }

    @Override
    public void close() {
        restore();
        try {
            reader.join(DRAIN_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        toSink = false;
    }
}
