package dev.keel.server.http;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;

/** An {@link Exchange} carried by the JDK's HTTP server ({@link HttpFront}). */
final class JdkExchange implements Exchange {
    private final HttpExchange exchange;

    JdkExchange(HttpExchange exchange) {
        this.exchange = exchange;
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
        return exchange.getRequestBody();
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
        return exchange.getResponseBody();
    }

    @Override
    public void close() {
        exchange.close();
    }
}
