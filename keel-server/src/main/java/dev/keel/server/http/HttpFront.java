package dev.keel.server.http;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
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
        // Without TCP_NODELAY a client that writes headers and body separately (Apache HttpClient,
        // as in MLflow's Java client) waits ~40 ms per request on Nagle plus delayed ACK. The JDK
        // server reads this once, when its first server is made.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private HttpFront(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static HttpFront start(String host, int port, int threads, Router router) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
        AtomicInteger n = new AtomicInteger();
        // Long-lived streams (server-sent events, big downloads) hold a thread each: grow past
        // the core size rather than queue requests behind them, up to a hard bound.
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, Math.max(threads, 512), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "keel-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        server.createContext("/", router::dispatch);
        server.start();
        return new HttpFront(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String host() {
        return server.getAddress().getHostString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
