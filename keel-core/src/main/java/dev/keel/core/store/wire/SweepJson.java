package dev.keel.core.store.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sweeps, trials and claims as JSON, the shapes of {@code /api/v1/sweeps}: a sweep is
 * {@code {id, project, name, config, seed, state, created, updated, owner}}, a trial
 * {@code {sweep, number, params, state, agent, run, claimed, heartbeat, ended, metric, reason}}
 * (times in epoch ms, {@code metric} null when none), a claim
 * {@code {outcome: granted|wait|done, trial?, reason?}}. States are their labels
 * ({@code no-metric}).
 */
public final class SweepJson {
    private SweepJson() {}

    public static Map<String, Object> toMap(Sweep s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.id());
        out.put("project", s.project());
        out.put("name", s.name());
        out.put("config", s.config());
        out.put("seed", s.seed());
        out.put("state", s.state().label());
        out.put("created", s.createdMillis());
        out.put("updated", s.updatedMillis());
        out.put("owner", s.owner());
        return out;
    }

    public static Map<String, Object> toMap(Trial t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sweep", t.sweepId());
        out.put("number", t.number());
        out.put("params", Json.encodeNonFinite(t.params()));
        out.put("state", t.state().label());
        out.put("agent", t.agent());
        out.put("run", t.runId());
        out.put("claimed", t.claimedMillis());
        out.put("heartbeat", t.heartbeatMillis());
        out.put("ended", t.endedMillis());
        out.put("metric", t.metric());
        out.put("reason", t.reason());
        return out;
    }

    public static Map<String, Object> toMap(Claim c) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (c instanceof Claim.Granted g) {
            out.put("outcome", "granted");
            out.put("trial", toMap(g.trial()));
        } else if (c instanceof Claim.Wait w) {
            out.put("outcome", "wait");
            out.put("reason", w.reason());
        } else {
            out.put("outcome", "done");
            out.put("reason", ((Claim.Done) c).reason());
        }
        return out;
    }

    /** Reads a sweep the server sent. */
    public static Sweep sweepFromServer(JsonNode n) {
        try {
            return new Sweep(
                    text(n, "id"),
                    text(n, "project"),
                    text(n, "name"),
                    text(n, "config"),
                    n.path("seed").asLong(),
                    SweepState.parse(text(n, "state")),
                    n.path("created").asLong(),
                    n.path("updated").asLong(),
                    text(n, "owner"));
        } catch (IllegalArgumentException e) {
            throw corrupt("sweep", e);
        }
    }

    /** Reads a trial the server sent. */
    public static Trial trialFromServer(JsonNode n) {
        try {
            JsonNode metric = n.get("metric");
            return new Trial(
                    text(n, "sweep"),
                    n.path("number").asInt(),
                    Json.decodeNonFinite(Json.MAPPER.convertValue(
                            n.path("params"),
                            Json.MAPPER
                                    .getTypeFactory()
                                    .constructMapType(LinkedHashMap.class, String.class, Object.class))),
                    TrialState.parse(text(n, "state")),
                    text(n, "agent"),
                    text(n, "run"),
                    n.path("claimed").asLong(),
                    n.path("heartbeat").asLong(),
                    n.path("ended").asLong(),
                    metric == null || metric.isNull() ? null : metric.asDouble(),
                    text(n, "reason"));
        } catch (IllegalArgumentException e) {
            throw corrupt("trial", e);
        }
    }

    /** Reads a claim's answer the server sent. */
    public static Claim claimFromServer(JsonNode n) {
        String outcome;
        try {
            outcome = text(n, "outcome");
        } catch (IllegalArgumentException e) {
            throw corrupt("claim", e);
        }
        return switch (outcome) {
            case "granted" -> new Claim.Granted(trialFromServer(n.path("trial")));
            case "wait" -> new Claim.Wait(n.path("reason").asText());
            case "done" -> new Claim.Done(n.path("reason").asText());
            default -> throw corrupt("claim", new IllegalArgumentException("unknown outcome '" + outcome + "'"));
        };
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    private static KeelException corrupt(String what, IllegalArgumentException e) {
        return new KeelException(
                KeelException.ErrorCode.CORRUPT_DATA,
                "the server sent a " + what + " this client cannot read: " + e.getMessage(),
                e);
    }
}
