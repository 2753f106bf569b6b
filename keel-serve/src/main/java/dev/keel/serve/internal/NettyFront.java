package dev.keel.serve.internal;

import dev.keel.server.http.Router;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code keel serve}'s HTTP listener: Netty's HTTP/1.1 codec on a few event-loop threads,
 * every request going to the same {@link Router} (and so the same access rules, Host and Origin
 * checks, body limit and headers) as the Keel server's JDK listener. Requests are read and
 * dispatched on the event loop; a prediction's response is written by the batch worker that
 * answered it, so a request costs no thread hand-off besides the batcher's queue.
 *
 * <p>Per connection ({@link HttpConnection}): keep-alive, pipelined requests answered in order,
 * {@code Expect: 100-continue}, a body over the limit refused with 413 before it is read (then
 * the connection closes), a malformed request answered 400 and closed, and a connection that
 * sends no complete request within the idle timeout closed. Past {@code maxConnections} open
 * connections a new one is answered 503 and closed.
 */
final class NettyFront implements AutoCloseable {
    /** Request line and header limits, as the Keel server's defaults. */
    static final int MAX_LINE_BYTES = 16 * 1024;

    static final int MAX_HEADER_BYTES = 64 * 1024;

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    final Router router;
    final long maxBodyBytes;
    final long idleTimeoutNanos;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    /** Requests read whose response is not yet written: a stop waits for them. */
    final AtomicInteger inFlight = new AtomicInteger();

    private final EventLoopGroup group;
    private Channel server;
    private InetSocketAddress bound;
    private volatile long dateSecond;
    private volatile String date;

    private NettyFront(Router router, long maxBodyBytes, long idleTimeoutMs, int maxConnections, int threads) {
        this.router = router;
        this.maxBodyBytes = maxBodyBytes;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
        this.maxConnections = maxConnections;
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("keel-serve-http", true), io);
    }

    /**
     * Listens on {@code host:port} (0 picks a free port).
     *
     * @param threads event-loop threads; each reads, parses and dispatches its connections' requests
     */
    static NettyFront start(
            String host,
            int port,
            Router router,
            long maxBodyBytes,
            long idleTimeoutMs,
            int maxConnections,
            int threads)
            throws IOException {
        NettyFront front = new NettyFront(router, maxBodyBytes, idleTimeoutMs, maxConnections, threads);
        Class<? extends ServerChannel> channel =
                Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(front.group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        front.accept(ch);
                    }
                });
        try {
            front.server = bootstrap.bind(host, port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            front.group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException(e.getMessage(), e);
        }
        front.bound = (InetSocketAddress) front.server.localAddress();
        return front;
    }

    private void accept(Channel ch) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            // written raw: no request was read, so there is nothing for the codec to answer
            String body = "{\"error_code\": \"TEMPORARILY_UNAVAILABLE\", \"message\": \"the server holds its limit of "
                    + maxConnections + " open connections; retry later, or reuse a connection\"}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
                    + "Connection: close\r\nContent-Length: " + b.length + "\r\n\r\n";
            ch.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.ISO_8859_1), b))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        HttpDecoderConfig decoding = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_LINE_BYTES)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxChunkSize(64 * 1024);
        ch.pipeline().addLast(new HttpServerCodec(decoding), new HttpConnection(this));
    }

    InetSocketAddress bound() {
        return bound;
    }

    /** The Date header's value, formatted once a second. */
    String date() {
        long second = System.currentTimeMillis() / 1000;
        String d = date;
        if (d == null || second != dateSecond) {
            d = HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC));
            date = d;
            dateSecond = second;
        }
        return d;
    }

    int port() {
        return bound.getPort();
    }

    String host() {
        return bound.getHostString();
    }

    /** Connections open now. */
    int connections() {
        return open.get();
    }

    @Override
    public void close() {
        stop(0);
    }

    /** Stops accepting, waits up to {@code graceSeconds} for responses still owed, then closes every connection. */
    void stop(int graceSeconds) {
        server.close().syncUninterruptibly();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
