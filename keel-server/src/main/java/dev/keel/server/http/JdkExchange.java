package dev.keel.server.http;

import com.sun.net.httpserver.HttpExchange;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;

/** An {@link Exchange} carried by the JDK's HTTP server ({@link HttpFront}). */
final class JdkExchange implements Exchange {
    private final HttpExchange exchange;
    private final LingeringBody body;
    private OutputStream responseBody;

    JdkExchange(HttpExchange exchange) {
        this.exchange = exchange;
        this.body = new LingeringBody(
                exchange.getRequestBody(),
                exchange.getRequestHeaders().getFirst("Content-Length"),
                exchange.getRequestHeaders().getFirst("Transfer-Encoding"));
    }

    @Override
    public String method() {
        return exchange.getRequestMethod();
    }

    @Override
    public String rawPath() {
        return exchange.getRequestURI().getRawPath();
    }

    @Override
    public String rawQuery() {
        return exchange.getRequestURI().getRawQuery();
    }

    @Override
    public String requestHeader(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    @Override
    public List<String> requestHeaders(String name) {
        List<String> v = exchange.getRequestHeaders().get(name);
        return v == null ? List.of() : v;
    }

    @Override
    public InputStream requestBody() {
        return body;
    }

    @Override
    public InetSocketAddress boundAddress() {
        return exchange.getHttpContext().getServer().getAddress();
    }

    @Override
    public void responseHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    @Override
    public void sendHeaders(int status, long length) throws IOException {
        exchange.sendResponseHeaders(status, length);
    }

    @Override
    public OutputStream responseBody() {
        if (responseBody == null) {
            responseBody = new FilterOutputStream(exchange.getResponseBody()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    // the answer goes out first, then what the handler left of the request body
                    // is dropped: closing the JDK's stream ends the connection if any is left
                    out.flush();
                    body.drainAfterAnswer();
                    out.close();
                }
            };
        }
        return responseBody;
    }

    @Override
    public void close() {
        exchange.close();
    }
}
