package dev.keel.serve.internal;

import dev.keel.server.http.Exchange;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A request read by the {@link NettyFront}, whole (its body in memory, within the limit), and
 * its response, built here and written by its {@link HttpConnection} in one piece. May be
 * answered from any thread.
 */
final class NettyExchange implements Exchange {
    private final HttpConnection connection;
    private final NettyFront front;
    private final HttpRequest request;
    private final String path;
    private final String query;
    private final byte[] body;
    private final int length;
    private final boolean keepAlive;
    private final HttpHeaders headers =
            DefaultHttpHeadersFactory.headersFactory().newHeaders();

    private int status = -1;
    private long declaredLength;
    private ByteArrayOutputStream streamed;
    private boolean sent;

    NettyExchange(
            HttpConnection connection,
            NettyFront front,
            HttpRequest request,
            String path,
            String query,
            byte[] body,
            int length,
            boolean keepAlive) {
        this.connection = connection;
        this.front = front;
        this.request = request;
        this.path = path;
        this.query = query;
        this.body = body;
        this.length = length;
        this.keepAlive = keepAlive;
    }

    /** The same request without its query, for refusing one whose query cannot be read. */
    NettyExchange withoutQuery() {
        return query == null ? this : new NettyExchange(connection, front, request, path, null, body, length, false);
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String rawPath() {
        return path;
    }

    @Override
    public String rawQuery() {
        return query;
    }

    @Override
    public String requestHeader(String name) {
        return request.headers().get(name);
    }

    @Override
    public List<String> requestHeaders(String name) {
        return request.headers().getAll(name);
    }

    @Override
    public InputStream requestBody() {
        return new ByteArrayInputStream(body, 0, length);
    }

    @Override
    public InetSocketAddress boundAddress() {
        return front.bound();
    }

    @Override
    public void responseHeader(String name, String value) {
        headers.set(name, value);
    }

    @Override
    public void send(int status, byte[] bytes, boolean head) {
        boolean noBody = status == 204 || status == 304;
        if (!noBody) {
            // a HEAD answer says the length the GET's body has, and sends none
            headers.set(HttpHeaderNames.CONTENT_LENGTH, bytes == null ? 0 : bytes.length);
        }
        finish(status, noBody || head || bytes == null || bytes.length == 0 ? null : bytes, noBody);
    }

    @Override
    public void sendHeaders(int status, long length) {
        this.status = status;
        this.declaredLength = length;
    }

    @Override
    public OutputStream responseBody() {
        if (streamed == null) {
            streamed = new ByteArrayOutputStream();
        }
        return streamed;
    }

    @Override
    public void close() {
        if (sent) {
            return;
        }
        if (status < 0) {
            // the router sent nothing (it failed while writing): the client must not wait for it
            headers.clear();
            headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            finish(500, null, false);
            return;
        }
        boolean none = declaredLength < 0 || status == 204 || status == 304 || "HEAD".equals(method());
        byte[] bytes = none || streamed == null ? null : streamed.toByteArray();
        if (!(status == 204 || status == 304)) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, bytes == null ? 0 : bytes.length);
        }
        finish(status, bytes, status == 204 || status == 304);
    }

    private void finish(int code, byte[] bytes, boolean noLength) {
        if (sent) {
            return;
        }
        sent = true;
        if (noLength) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        boolean close = !keepAlive || headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
        if (close) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.protocolVersion() == HttpVersion.HTTP_1_0) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        headers.set(HttpHeaderNames.DATE, front.date());
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(code),
                bytes == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes),
                headers,
                DefaultHttpHeadersFactory.trailersFactory().newHeaders());
        connection.respond(response, close);
    }
}
