package dev.keel.server;

import dev.keel.core.KeelException;
import dev.keel.core.data.Visibility;

import java.util.List;
import java.util.Locale;

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
 * @param maxArtifactBytes the largest file one streamed upload may carry (MLflow's artifact
 *                         proxy): models and checkpoints are far larger than any JSON body, and
 *                         go to the blob store as they arrive, never into memory
 * @param defaultVisibility what a new project (or MLflow experiment) is on a team server until
 *                         its owner changes it: {@code PRIVATE}, or {@code TEAM} (the members of
 *                         the creator's teams read and write it)
 */
public record ServerSettings(
        String host,
        int port,
        long maxBodyBytes,
        int threads,
        boolean anonymousReads,
        List<String> allowedHosts,
        long maxArtifactBytes,
        Visibility defaultVisibility) {

    public static final long DEFAULT_MAX_BODY_BYTES = 32L << 20;
    public static final long DEFAULT_MAX_ARTIFACT_BYTES = 5L << 30;

    public ServerSettings {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        maxArtifactBytes = maxArtifactBytes <= 0 ? DEFAULT_MAX_ARTIFACT_BYTES : maxArtifactBytes;
        defaultVisibility = defaultVisibility == null ? Visibility.PRIVATE : defaultVisibility;
        if (defaultVisibility == Visibility.PUBLIC) {
            throw KeelException.invalid("the default visibility of new projects is private or team;"
                    + " make a project public with PATCH /api/v1/projects/{project} instead");
        }
    }

    /** Settings with the default artifact bound and new projects private. */
    public ServerSettings(
            String host, int port, long maxBodyBytes, int threads, boolean anonymousReads, List<String> allowedHosts) {
        this(host, port, maxBodyBytes, threads, anonymousReads, allowedHosts, 0, Visibility.PRIVATE);
    }

    /** Settings with no names besides the bound address. */
    public ServerSettings(String host, int port, long maxBodyBytes, int threads, boolean anonymousReads) {
        this(host, port, maxBodyBytes, threads, anonymousReads, List.of());
    }

    /** {@code private} or {@code team} (any case) as a default visibility; the error names the choices. */
    public static Visibility parseDefaultVisibility(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "private" -> Visibility.PRIVATE;
            case "team" -> Visibility.TEAM;
            default -> throw KeelException.invalid("default visibility '" + text + "' is not one of: private, team");
        };
    }

    public static ServerSettings local(int port) {
        return new ServerSettings("127.0.0.1", port, DEFAULT_MAX_BODY_BYTES, 32, false);
    }

    public ServerSettings withPort(int newPort) {
        return new ServerSettings(
                host,
                newPort,
                maxBodyBytes,
                threads,
                anonymousReads,
                allowedHosts,
                maxArtifactBytes,
                defaultVisibility);
    }

    public ServerSettings withMaxBodyBytes(long bytes) {
        return new ServerSettings(
                host, port, bytes, threads, anonymousReads, allowedHosts, maxArtifactBytes, defaultVisibility);
    }

    public ServerSettings withAnonymousReads(boolean allowed) {
        return new ServerSettings(
                host, port, maxBodyBytes, threads, allowed, allowedHosts, maxArtifactBytes, defaultVisibility);
    }

    public ServerSettings withAllowedHosts(List<String> names) {
        return new ServerSettings(
                host, port, maxBodyBytes, threads, anonymousReads, names, maxArtifactBytes, defaultVisibility);
    }

    public ServerSettings withMaxArtifactBytes(long bytes) {
        return new ServerSettings(
                host, port, maxBodyBytes, threads, anonymousReads, allowedHosts, bytes, defaultVisibility);
    }

    public ServerSettings withDefaultVisibility(Visibility visibility) {
        return new ServerSettings(
                host, port, maxBodyBytes, threads, anonymousReads, allowedHosts, maxArtifactBytes, visibility);
    }
}
