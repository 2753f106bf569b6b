package dev.keel.server.http;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP listener: the JDK's built-in server (no extra dependency, streams bodies both ways)
 * with a bounded pool of daemon threads, every request going to the {@link Router}.
 */
public final class HttpFront implements AutoCloseable {
    static {
        // Without TCP_NODELAY the JDK server's separate writes of headers and body meet the
        // client's delayed ACK, which then delays every small response. The JDK reads this
        // property once, when its server classes load, so it is set before the first server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;

    private HttpFront(HttpServer server, ThreadPoolExecutor executor) {
        this.server = server;
        this.executor = executor;
    }

    public static HttpFront start(String host, int port, int threads, Router router) throws IOException {
        HttpLimits.applyDefaults();
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
        AtomicInteger n = new AtomicInteger();
        // Long-lived streams (server-sent events, big downloads) hold a thread each: grow past
        // the core size rather than queue requests behind them, up to a hard bound.
        ThreadPoolExecutor executor = new ThreadPoolExecutor(
                threads,
                Math.max(threads, 512),
                60,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "keel-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        server.createContext("/", exchange -> router.dispatch(new JdkExchange(exchange)));
        server.start();
        return new HttpFront(server, executor);
    }

    /** The request pool, for {@code /metrics}. */
    public ThreadPoolExecutor executor() {
        return executor;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String host() {
        return server.getAddress().getHostString();
    }

    @Override
    public void close() {
        stop(0);
    }

    /** Stops accepting, waits up to {@code graceSeconds} for requests in flight, then stops. */
    public void stop(int graceSeconds) {
        server.stop(graceSeconds);
        executor.shutdownNow();
    }
}
