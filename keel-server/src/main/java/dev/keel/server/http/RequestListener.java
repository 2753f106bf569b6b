package dev.keel.server.http;

/** Told about every request (request log, Prometheus metrics). Must not throw or block. */
@FunctionalInterface
public interface RequestListener {

    /** A request arrived; every {@code started} is followed by exactly one {@link #finished}. */
    default void started(String requestId, String method) {}

    /**
     * @param route   the matched route's pattern, or {@code "unmatched"}
     * @param user    the caller, null when anonymous or unknown
     * @param nanos   time from arrival to the last byte written
     */
    void finished(String requestId, String method, String route, String path, int status, String user, long nanos);
}
