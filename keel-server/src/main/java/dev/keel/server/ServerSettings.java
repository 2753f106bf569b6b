package dev.keel.server;

import java.util.List;

/**
 * Settings of one server process.
 *
 * @param host             the address to bind (127.0.0.1 for {@code keel ui})
 * @param port             0 picks a free port
 * @param maxBodyBytes     the largest JSON request body accepted (413 above)
 * @param threads          request-handling threads
 * @param anonymousReads   whether callers without a key may read public projects and datasets
 * @param allowedHosts     names besides the bound address that browsers may reach the server by
 *                         ({@code keel.example}, or {@code *.example} for every subdomain); see
 *                         {@code http.OriginGuard}
 */
public record ServerSettings(
        String host, int port, long maxBodyBytes, int threads, boolean anonymousReads, List<String> allowedHosts) {

    public static final long DEFAULT_MAX_BODY_BYTES = 32L << 20;

    public ServerSettings {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    }

    /** Settings with no names besides the bound address. */
    public ServerSettings(String host, int port, long maxBodyBytes, int threads, boolean anonymousReads) {
        this(host, port, maxBodyBytes, threads, anonymousReads, List.of());
    }

    public static ServerSettings local(int port) {
        return new ServerSettings("127.0.0.1", port, DEFAULT_MAX_BODY_BYTES, 32, false);
    }

    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, maxBodyBytes, threads, anonymousReads, allowedHosts);
    }

    public ServerSettings withMaxBodyBytes(long bytes) {
        return new ServerSettings(host, port, bytes, threads, anonymousReads, allowedHosts);
    }

    public ServerSettings withAnonymousReads(boolean allowed) {
        return new ServerSettings(host, port, maxBodyBytes, threads, allowed, allowedHosts);
    }

    public ServerSettings withAllowedHosts(List<String> names) {
        return new ServerSettings(host, port, maxBodyBytes, threads, anonymousReads, names);
    }
}
