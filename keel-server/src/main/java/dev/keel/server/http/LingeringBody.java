package dev.keel.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A request body on the JDK's server that is read and dropped after the answer, when the handler
 * left part of it unread (a body refused for its size, a request refused before its body
 * mattered). The JDK server closes such a connection with the bytes unread, which makes the
 * kernel reset it, and a client that writes its whole body before reading (as HTTP clients do)
 * then loses the answer. Dropping what still arrives lets the connection end in order.
 *
 * <p>Bounded in time and in bytes, as the drain holds a request thread from the server's
 * shared pool: a client still sending after {@link #DRAIN_MILLIS} or {@link #DRAIN_BYTES} is cut
 * off. The JDK server reads the body from a blocking, interruptible channel, so interrupting the
 * draining thread is what closes a connection whose client stalls.
 *
 * <p>Handlers may close it; that keeps it open for the drain (the JDK's own close would drop
 * a little of it and leave the rest to the reset).
 */
final class LingeringBody extends FilterInputStream {
    /** How long a client may go on sending a body nobody reads once its answer is written. */
    static final long DRAIN_MILLIS = 2_000;

    /** How much of such a body is dropped before the connection is cut off anyway. */
    static final long DRAIN_BYTES = 64L * 1024 * 1024;

    private static final ScheduledThreadPoolExecutor CUT_OFF = cutOffTimer();

    /** The declared length, -1 when the body is chunked, 0 when there is none. */
    private final long declared;

    private long consumed;
    private boolean ended;

    LingeringBody(InputStream in, String contentLength, String transferEncoding) {
        super(in);
        this.declared = declaredLength(contentLength, transferEncoding);
    }

    private static long declaredLength(String contentLength, String transferEncoding) {
        if (transferEncoding != null) {
            return -1;
        }
        if (contentLength == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(contentLength.trim()));
        } catch (NumberFormatException e) {
            // the JDK server refuses such a request before any handler sees it
            return 0;
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        count(b < 0 ? -1 : 1);
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        count(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        consumed += Math.max(0, skipped);
        return skipped;
    }

    private void count(int n) {
        if (n < 0) {
            ended = true;
        } else {
            consumed += n;
        }
    }

    @Override
    public void close() {
        // kept open for drainAfterAnswer; the exchange's end closes the JDK's stream
    }

    private boolean unread() {
        return !ended && (declared < 0 || consumed < declared);
    }

    /**
     * Drops what is left of the body, within the bounds; called on the request's thread once
     * the answer is flushed. When the bounds end it first, the connection is closed at once.
     */
    void drainAfterAnswer() {
        if (!unread()) {
            return;
        }
        Thread thread = Thread.currentThread();
        // a thread told to stop (the server shutting down) reads nothing more and keeps that word
        boolean stopping = thread.isInterrupted();
        Object lock = new Object();
        boolean[] done = {false};
        ScheduledFuture<?> cutOff = CUT_OFF.schedule(
                () -> {
                    synchronized (lock) {
                        if (!done[0]) {
                            thread.interrupt();
                        }
                    }
                },
                DRAIN_MILLIS,
                TimeUnit.MILLISECONDS);
        byte[] buf = new byte[16384];
        try {
            long bound = consumed + DRAIN_BYTES;
            while (consumed < bound && read(buf, 0, (int) Math.min(buf.length, bound - consumed)) >= 0) {
                // dropped
            }
            if (unread()) {
                // over the byte bound: close now, rather than let the JDK's own drain block
                thread.interrupt();
                for (int i = 0; i < 64 && read(buf) >= 0; i++) {
                    // what is buffered already; the next read from the channel closes it
                }
            }
        } catch (IOException e) {
            // the client went away, or was cut off: either way the connection is closed
        } finally {
            synchronized (lock) {
                done[0] = true;
            }
            cutOff.cancel(false);
            // an interrupt meant for the drain must not reach the next request on this thread
            Thread.interrupted();
            if (stopping) {
                thread.interrupt();
            }
        }
    }

    private static ScheduledThreadPoolExecutor cutOffTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "keel-http-drain-cut-off");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
