package dev.keel.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One HTTP request and its response as the {@link Router} sees them, whatever server carries
 * them: the JDK's ({@link HttpFront}, the Keel server) or another front that feeds the same
 * router ({@code keel serve}'s). The router reads the request, sets response headers, then sends
 * the status with {@link #sendHeaders} and writes the body, or sends all at once with
 * {@link #send}; it closes the exchange last.
 *
 * <p>A front may complete an exchange from any thread: a handler that answers later (a
 * {@link java.util.concurrent.CompletionStage}) has its response sent from the thread that
 * completes it.
 */
public interface Exchange {
    String method();

    /** The request target's path, still percent-encoded. */
    String rawPath();

    /** The query without the '?', still percent-encoded; null when there is none. */
    String rawQuery();

    /** The first value of a request header (names are case-insensitive), null when absent. */
    String requestHeader(String name);

    /** Every value of a request header, in the order received. */
    List<String> requestHeaders(String name);

    /** The request body as it arrives. */
    InputStream requestBody();

    /** The address the server listens on (not the connection's): the Host check compares with it. */
    InetSocketAddress boundAddress();

    /** Sets a response header, replacing any earlier value. */
    void responseHeader(String name, String value);

    /**
     * Sends the status line and headers. {@code length}: the body's length, 0 for a body of
     * unknown length (chunked), -1 for none.
     */
    void sendHeaders(int status, long length) throws IOException;

    /** The response body after {@link #sendHeaders}; closing it ends the response. */
    OutputStream responseBody();

    /** Sends the whole response; {@code body} is null or ignored for HEAD, 204 and 304. */
    default void send(int status, byte[] body, boolean head) throws IOException {
        if (status == 204 || status == 304 || body == null) {
            sendHeaders(status, -1);
            return;
        }
        sendHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = responseBody()) {
                out.write(body);
            }
        }
    }

    /** Ends the exchange: whatever was not sent is given up (the front may close the connection). */
    void close();
}
