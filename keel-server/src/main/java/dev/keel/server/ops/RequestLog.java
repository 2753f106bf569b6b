package dev.keel.server.ops;

import dev.keel.server.http.RequestListener;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One line per request: time, request id, method, route pattern, status, duration and user.
 *
 * <pre>{@code
 * 2026-11-29T05:01:02.345Z id=k3f9-1a GET /api/v1/runs/{id} 200 3.1ms user=alice
 * }</pre>
 *
 * <p>It logs the route's pattern, never the path, the query string, headers or cookies, so no
 * API key, token or value a client put in a URL can end up in a log. Lines are written by a
 * background thread through a bounded queue: a slow or blocked log sink never holds up a
 * request; when the queue is full lines are dropped and counted.
 */
public final class RequestLog implements RequestListener, AutoCloseable {
    private static final Pattern SAFE_USER = Pattern.compile("[\\p{L}\\p{N}._@+-]{1,64}");

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(8192);
    private final AtomicLong dropped = new AtomicLong();
    private final Consumer<String> sink;
    private final Thread writer;
    private volatile boolean closed;

    /** Logs to {@code sink} (e.g. {@code System.out::println}) from a daemon thread. */
    public RequestLog(Consumer<String> sink) {
        this.sink = sink;
        this.writer = new Thread(this::drain, "keel-request-log");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void finished(
            String requestId, String method, String route, String path, int status, String user, long nanos) {
        String line =
                format(Instant.now().truncatedTo(ChronoUnit.MILLIS), requestId, method, route, status, user, nanos);
        if (!queue.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    static String format(
            Instant at, String requestId, String method, String route, int status, String user, long nanos) {
        // A method or user that is not a plain token is shown as '?': log lines stay one line each
        // and cannot be forged by a client.
        String m = method != null && method.matches("[A-Z]{1,16}") ? method : "?";
        String u = user == null ? "-" : SAFE_USER.matcher(user).matches() ? user : "?";
        return String.format(
                Locale.ROOT, "%s id=%s %s %s %d %.1fms user=%s", at, requestId, m, route, status, nanos / 1e6, u);
    }

    /** Lines left out because the sink could not keep up. */
    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        while (!closed || !queue.isEmpty()) {
            String line;
            try {
                line = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (line == null) {
                continue;
            }
            long lost = dropped.getAndSet(0);
            try {
                if (lost > 0) {
                    sink.accept(Instant.now() + " request log: " + lost + " lines dropped (the log could not keep up)");
                }
                sink.accept(line);
            } catch (RuntimeException ignored) {
                // A broken sink loses log lines, never requests.
            }
        }
    }

    /** Writes what is queued (waiting at most a second), then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
