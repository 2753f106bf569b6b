package dev.keel.server.api;

import dev.keel.core.RunInfo;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.OpenAccess;
import dev.keel.server.auth.Principal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who logged a run. On a server where callers sign in, the run's user is the signed-in caller,
 * whatever the client says: what it claims (user and host) is kept in the provenance under
 * {@code client}, a label shown with the run, never its owner. {@code keel ui} serves one local
 * person, whose clients' words are kept as they are.
 */
public final class RunIdentity {
    /** The provenance key of what the client claimed: {@code {"user": …, "host": …}}. */
    public static final String CLAIMED = "client";

    private RunIdentity() {}

    /** True when callers sign in (a team server), so the server, not the client, names the run's user. */
    public static boolean serverDecides(ServerContext ctx) {
        return !(ctx.authorizer() instanceof OpenAccess);
    }

    /**
     * The run to store for a create request from {@code who}: on a team server its user is
     * {@code who}; the claimed user and host go into {@code provenance} (modified in place).
     */
    public static RunInfo decide(ServerContext ctx, Principal who, RunInfo claimed, Map<String, Object> provenance) {
        if (!serverDecides(ctx) || who.anonymous()) {
            return claimed;
        }
        Map<String, Object> label = new LinkedHashMap<>();
        label.put("user", claimed.user());
        label.put("host", claimed.host());
        provenance.put(CLAIMED, label);
        return new RunInfo(
                claimed.id(),
                claimed.project(),
                claimed.name(),
                claimed.group(),
                who.user(),
                claimed.tags(),
                claimed.notes(),
                claimed.state(),
                claimed.createdAt(),
                claimed.heartbeatAt(),
                claimed.endedAt(),
                claimed.runtimeMs(),
                claimed.sweep(),
                claimed.host(),
                claimed.pid(),
                claimed.config(),
                claimed.summary());
    }
}
