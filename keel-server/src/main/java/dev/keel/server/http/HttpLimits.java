package dev.keel.server.http;

/**
 * Limits of the JDK's HTTP server against hostile or broken clients: the size and number of
 * request headers, and the time a client may take to send a request (headers and body) before
 * the response starts, which ends slow-drip connections that would otherwise hold a request
 * thread. The JDK reads them from system properties once, when its first server starts, so they
 * are process-wide: set them before starting any server ({@code keel server} does so from its
 * settings); a property given on the command line ({@code -Dsun.net.httpserver…}) wins.
 *
 * <p>It also turns on {@code TCP_NODELAY}: the JDK server writes a response's headers and body
 * separately, and Nagle's algorithm would hold the body back until the client's delayed ACK of
 * the headers, adding that delay to every small response.
 *
 * <p>And it lets every keep-alive connection stay open while idle (until the idle timeout): the
 * JDK server by default closes a connection that finishes a request while 200 others are idle,
 * and a client's next request on it then fails, as the client cannot tell the closed connection
 * from a live one until it writes to it. Lifting that cap gives up no protection: the JDK caps
 * no other kind of open connection, and idle ones still close after its idle timeout.
 */
public final class HttpLimits {
    /** Request timeout when none is configured: long enough for a large upload on a slow link. */
    public static final int DEFAULT_REQUEST_TIMEOUT_S = 300;

    public static final int DEFAULT_MAX_HEADER_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_HEADERS = 100;
    /** Idle keep-alive connections kept open: more than a busy front proxy or load generator holds. */
    public static final int DEFAULT_MAX_IDLE_CONNECTIONS = 100_000;

    private static final String MAX_REQ_TIME = "sun.net.httpserver.maxReqTime";
    private static final String MAX_HEADER_SIZE = "sun.net.httpserver.maxReqHeaderSize";
    private static final String MAX_HEADERS = "sun.net.httpserver.maxReqHeaders";
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";
    private static final String MAX_IDLE_CONNECTIONS = "sun.net.httpserver.maxIdleConnections";

    private HttpLimits() {}

    /**
     * Sets the limits for servers started later in this process.
     *
     * @param requestTimeoutSeconds 0 for none
     */
    public static synchronized void configure(int requestTimeoutSeconds, int maxHeaderBytes) {
        System.setProperty(MAX_REQ_TIME, Integer.toString(requestTimeoutSeconds <= 0 ? -1 : requestTimeoutSeconds));
        System.setProperty(MAX_HEADER_SIZE, Integer.toString(maxHeaderBytes));
        System.setProperty(MAX_HEADERS, Integer.toString(DEFAULT_MAX_HEADERS));
        setIfAbsent(NO_DELAY, "true");
        setIfAbsent(MAX_IDLE_CONNECTIONS, Integer.toString(DEFAULT_MAX_IDLE_CONNECTIONS));
    }

    /** Sets each limit nobody set yet to its default. */
    static synchronized void applyDefaults() {
        setIfAbsent(MAX_REQ_TIME, Integer.toString(DEFAULT_REQUEST_TIMEOUT_S));
        setIfAbsent(MAX_HEADER_SIZE, Integer.toString(DEFAULT_MAX_HEADER_BYTES));
        setIfAbsent(MAX_HEADERS, Integer.toString(DEFAULT_MAX_HEADERS));
        setIfAbsent(NO_DELAY, "true");
        setIfAbsent(MAX_IDLE_CONNECTIONS, Integer.toString(DEFAULT_MAX_IDLE_CONNECTIONS));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
