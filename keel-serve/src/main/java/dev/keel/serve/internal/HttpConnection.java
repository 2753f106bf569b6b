package dev.keel.serve.internal;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.server.http.HttpLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One client connection of the {@link NettyFront}: gathers each request's body (within the
 * limit), hands the request to the router and writes its response, one request at a time, so
 * that pipelined requests are answered in the order they came. Everything here runs on the
 * connection's event loop; a response completed on another thread is handed to it.
 *
 * <p>While a request is being answered, or its answers are not read by the client (the channel's
 * outbound buffer is full), what the client sends next is held back and reading paused, which
 * bounds what a connection can make the server hold.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
    private static final byte[] NO_BODY = new byte[0];

    /** How long a refused client may go on sending before its connection is closed anyway. */
    static final long LINGER_MILLIS = 2_000;

    private final NettyFront front;
    private ChannelHandlerContext ctx;
    /** Messages read while a request is answered, handled once it is. */
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();

    private boolean responding;
    private boolean draining;
    private boolean closing;
    /** When the connection last became free to take a request; the idle timeout counts from it. */
    private long freeSince;

    private ScheduledFuture<?> timer;

    // the request being received
    private HttpRequest current;
    private String path;
    private String query;
    private byte[] body;
    private int received;
    /** Set when a body past the limit is refused before its end: what remains of it is skipped. */
    private boolean skipping;

    HttpConnection(NettyFront front) {
        this.front = front;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        freeSince = System.nanoTime();
        arm(front.idleTimeoutNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        releaseBacklog();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset by the client and the like: nothing to answer on this connection any more
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (responding || !backlog.isEmpty() || !ctx.channel().isWritable()) {
            backlog.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        handle(msg);
    }

    private void handle(Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                begin(request);
            }
            if (msg instanceof HttpContent content && !closing) {
                content(content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            malformed(request, describe(request.decoderResult().cause()));
            return;
        }
        if (request.headers().size() > HttpLimits.DEFAULT_MAX_HEADERS) {
            malformed(request, "more than " + HttpLimits.DEFAULT_MAX_HEADERS + " header lines");
            return;
        }
        String[] target = target(request.uri());
        if (target == null) {
            malformed(request, "the request target '" + shorten(request.uri()) + "' is not a path");
            return;
        }
        current = request;
        path = target[0];
        query = target[1];
        received = 0;
        skipping = false;
        long declared;
        try {
            declared = HttpUtil.getContentLength(request, -1L);
        } catch (NumberFormatException e) {
            malformed(request, "Content-Length is not a number");
            return;
        }
        if (declared > front.maxBodyBytes) {
            // the router refuses it (413) from the declared length; the body is never read
            skipping = true;
            dispatch(NO_BODY, 0, false);
            return;
        }
        // grown as the body arrives: a declared length alone allocates little
        body = declared == 0 ? NO_BODY : new byte[(int) Math.min(declared < 0 ? 8192 : declared, 65536)];
        if (declared != 0 && HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
        }
    }

    private void content(HttpContent content) {
        if (current == null || skipping) {
            return;
        }
        if (content.decoderResult().isFailure()) {
            malformed(current, describe(content.decoderResult().cause()));
            return;
        }
        ByteBuf buf = content.content();
        int n = buf.readableBytes();
        if (n > 0) {
            if ((long) received + n > front.maxBodyBytes) {
                // a body of undeclared length over the limit: the router sees one byte too many
                // and refuses it (413); the rest is not read
                int keep = (int) (front.maxBodyBytes + 1 - received);
                grow(received + keep);
                buf.getBytes(buf.readerIndex(), body, received, keep);
                received += keep;
                skipping = true;
                dispatch(body, received, false);
                return;
            }
            grow(received + n);
            buf.getBytes(buf.readerIndex(), body, received, n);
            received += n;
        }
        if (content instanceof LastHttpContent) {
            dispatch(body, received, true);
        }
    }

    private void grow(int size) {
        if (size > body.length) {
            body = Arrays.copyOf(body, (int) Math.min(Math.max(size, body.length * 2L), front.maxBodyBytes + 1));
        }
    }

    /** Hands the request to the router; {@code whole}: its body was read to the end. */
    private void dispatch(byte[] bytes, int length, boolean whole) {
        HttpRequest request = current;
        current = null;
        body = null;
        responding = true;
        front.inFlight.incrementAndGet();
        NettyExchange exchange = new NettyExchange(
                this, front, request, path, query, bytes, length, whole && HttpUtil.isKeepAlive(request));
        try {
            front.router.dispatch(exchange);
        } catch (KeelException e) {
            // the router refuses what it cannot even read (malformed percent-encoding in the query)
            front.router.refuse(exchange.withoutQuery(), e);
        } catch (RuntimeException e) {
            front.router.refuse(
                    exchange.withoutQuery(),
                    new KeelException(ErrorCode.INTERNAL_ERROR, "internal error while reading the request", e));
        }
    }

    private void malformed(HttpRequest request, String problem) {
        current = null;
        body = null;
        skipping = true;
        responding = true;
        front.inFlight.incrementAndGet();
        NettyExchange exchange = new NettyExchange(this, front, request, "/", null, NO_BODY, 0, false);
        front.router.refuse(
                exchange.withoutQuery(), new KeelException(ErrorCode.BAD_REQUEST, "malformed request: " + problem));
    }

    /** Writes a response on the event loop, from whichever thread completed it. */
    void respond(FullHttpResponse response, boolean close) {
        if (ctx.executor().inEventLoop()) {
            write(response, close);
        } else {
            ctx.executor().execute(() -> write(response, close));
        }
    }

    private void write(FullHttpResponse response, boolean close) {
        front.inFlight.decrementAndGet();
        if (!ctx.channel().isActive()) {
            ReferenceCountUtil.release(response);
            return;
        }
        if (close) {
            closing = true;
            releaseBacklog();
            if (skipping) {
                lingeringClose(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        ctx.writeAndFlush(response);
        responding = false;
        freeSince = System.nanoTime();
        next();
    }

    /**
     * Ends a connection whose client may still be sending the body this answer refused unread.
     * Closing it at once, with those bytes unread, makes the kernel reset the connection, and a
     * client still writing its body then loses the answer. So the answer is followed by this
     * side's end of stream only, what still arrives is read and dropped, and the connection
     * closes when the client closes it, or after {@link #LINGER_MILLIS} at most.
     */
    private void lingeringClose(FullHttpResponse response) {
        ctx.channel().config().setAutoRead(true);
        ctx.writeAndFlush(response).addListener(written -> {
            if (!written.isSuccess() || !(ctx.channel() instanceof DuplexChannel duplex)) {
                ctx.close();
                return;
            }
            duplex.shutdownOutput();
            ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    /** Handles what was held back while the last request was answered, in order. */
    private void next() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (!responding
                    && !closing
                    && !backlog.isEmpty()
                    && ctx.channel().isWritable()) {
                handle(backlog.poll());
            }
        } finally {
            draining = false;
        }
        if (!responding
                && !closing
                && backlog.isEmpty()
                && ctx.channel().isWritable()
                && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** A client that does not read its answers is not read from until it has caught up. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            next();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void releaseBacklog() {
        for (Object m; (m = backlog.poll()) != null; ) {
            ReferenceCountUtil.release(m);
        }
    }

    private void arm(long nanos) {
        timer = ctx.executor().schedule(this::checkIdle, nanos, TimeUnit.NANOSECONDS);
    }

    /** Closes a connection that has sent no complete request for the idle timeout. */
    private void checkIdle() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (responding) {
            arm(front.idleTimeoutNanos);
            return;
        }
        long idle = System.nanoTime() - freeSince;
        if (idle >= front.idleTimeoutNanos) {
            ctx.close();
            return;
        }
        arm(front.idleTimeoutNanos - idle);
    }

    /**
     * The path and query of a request target (origin form, or absolute form as a proxy sends);
     * null when it is neither or holds characters a URI cannot.
     */
    static String[] target(String uri) {
        String t = uri;
        if (t.regionMatches(true, 0, "http://", 0, 7) || t.regionMatches(true, 0, "https://", 0, 8)) {
            int slash = t.indexOf('/', t.indexOf("//") + 2);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        if (t.isEmpty() || t.charAt(0) != '/') {
            return null;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "<>\"{}|\\^`#".indexOf(c) >= 0) {
                return null;
            }
        }
        int q = t.indexOf('?');
        return q < 0 ? new String[] {t, null} : new String[] {t.substring(0, q), t.substring(q + 1)};
    }

    private static String describe(Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            return "the request line or headers are longer than this server takes (" + NettyFront.MAX_LINE_BYTES
                    + " bytes for the line, " + NettyFront.MAX_HEADER_BYTES + " for the headers)";
        }
        return cause == null ? "unreadable" : String.valueOf(cause.getMessage());
    }

    private static String shorten(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }
}
