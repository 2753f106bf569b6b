package dev.keel.internal.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.http.KeelHttp;
import dev.keel.core.store.wire.SweepJson;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialProposer;
import dev.keel.core.sweep.TrialState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@link SweepStore} of a Keel server ({@code /api/v1/sweeps}). The server proposes trials and
 * reads run caps itself, so {@link #claim} sends neither; the owner of a new sweep is the caller.
 * A claim, heartbeat or end whose answer was lost (the server restarted, the connection broke) is
 * sent again: the server answers a repeated claim of the same run id with the same trial, and a
 * repeated end or heartbeat with the trial as it is.
 */
final class RemoteSweepStore implements SweepStore {
    private static final String BASE = "/api/v1/sweeps";
    private static final int ATTEMPTS = 4;
    private static final long FIRST_PAUSE_MS = 250;

    private final KeelHttp http;

    RemoteSweepStore(KeelHttp http) {
        this.http = http;
    }

    @Override
    public Sweep create(String project, String name, String config, long seed, String owner) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("project", project);
        body.put("name", name);
        body.put("config", config);
        body.put("seed", seed);
        return SweepJson.sweepFromServer(http.callJson("POST", BASE, body));
    }

    @Override
    public Optional<Sweep> sweep(String id) {
        return orEmpty(() -> SweepJson.sweepFromServer(http.get(path(id))));
    }

    @Override
    public List<Sweep> sweeps(String project) {
        String query = project == null ? "" : "?project=" + KeelHttp.queryValue(project);
        List<Sweep> out = new ArrayList<>();
        for (JsonNode s :
                orEmpty(() -> http.get(BASE + query).path("sweeps")).orElseGet(Json.MAPPER::createArrayNode)) {
            out.add(SweepJson.sweepFromServer(s));
        }
        return out;
    }

    @Override
    public Sweep setState(String id, SweepState state) {
        return SweepJson.sweepFromServer(http.callJson("PATCH", path(id), Map.of("state", state.label())));
    }

    @Override
    public List<Trial> trials(String sweepId) {
        List<Trial> out = new ArrayList<>();
        for (JsonNode t : orEmpty(() -> http.get(path(sweepId) + "/trials").path("trials"))
                .orElseGet(Json.MAPPER::createArrayNode)) {
            out.add(SweepJson.trialFromServer(t));
        }
        return out;
    }

    /** {@code runCap} and {@code proposer} stay here: the server uses the sweep's configuration and its own search. */
    @Override
    public Claim claim(
            String sweepId, String agent, String runId, int runCap, long staleAfterMillis, TrialProposer proposer) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent", agent);
        body.put("runId", runId);
        if (staleAfterMillis > 0) {
            body.put("staleAfterMillis", staleAfterMillis);
        }
        return retried(() -> SweepJson.claimFromServer(http.callJson("POST", path(sweepId) + "/claim", body)));
    }

    @Override
    public Trial heartbeat(String sweepId, int number, String agent) {
        return retried(() -> SweepJson.trialFromServer(
                http.callJson("POST", trialPath(sweepId, number) + "/heartbeat", Map.of("agent", agent))));
    }

    @Override
    public void requestStop(String sweepId, int number, String reason) {
        http.callJson("POST", trialPath(sweepId, number) + "/stop", Map.of("reason", reason == null ? "" : reason));
    }

    @Override
    public Trial end(String sweepId, int number, String agent, TrialState state, Double metric, String reason) {
        if (state == null) {
            throw KeelException.invalid("end trial " + number + " of sweep " + sweepId + " with how it ended");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent", agent);
        body.put("state", state.label());
        body.put("metric", metric);
        body.put("reason", reason == null ? "" : reason);
        return retried(
                () -> SweepJson.trialFromServer(http.callJson("POST", trialPath(sweepId, number) + "/end", body)));
    }

    @Override
    public Trial resumeTrial(String sweepId, int number, String agent) {
        return SweepJson.trialFromServer(
                http.callJson("POST", trialPath(sweepId, number) + "/resume", Map.of("agent", agent)));
    }

    @Override
    public Optional<Trial> trialOfRun(String runId) {
        return orEmpty(() -> SweepJson.trialFromServer(http.get("/api/v1/runs/" + KeelHttp.segment(runId) + "/trial")));
    }

    private static String path(String sweepId) {
        return BASE + "/" + KeelHttp.segment(sweepId);
    }

    private static String trialPath(String sweepId, int number) {
        return path(sweepId) + "/trials/" + number;
    }

    /** The call, sent again a few times while the server cannot be reached. */
    private static <T> T retried(Supplier<T> call) {
        long pause = FIRST_PAUSE_MS;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (KeelException e) {
                if (e.code() != ErrorCode.TEMPORARILY_UNAVAILABLE || attempt >= ATTEMPTS) {
                    throw e;
                }
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while waiting for the server");
            }
            pause *= 2;
        }
    }

    /** The call's result, or empty when the server says the object does not exist (or is not the caller's to see). */
    private static <T> Optional<T> orEmpty(Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (KeelException e) {
            if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
