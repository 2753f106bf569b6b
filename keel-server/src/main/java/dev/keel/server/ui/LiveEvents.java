package dev.keel.server.ui;

import dev.keel.core.ConsoleLine;
import dev.keel.core.Json;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.filter.FilterParser;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;
import dev.keel.server.ServerContext;
import dev.keel.server.api.Views;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Live updates as server-sent events. The server keeps no state between requests and several
 * processes may serve one database, so each stream polls the store (twice a second) and sends
 * what changed: a run's new state, summary and log offset ({@code run} events: the page then
 * fetches the new points it shows), for one run, new console lines, and for a sweep, that its
 * state or a trial changed ({@code sweep} events: the page then fetches the sweep again). A stream ends after a
 * few minutes; the browser's EventSource reconnects by itself.
 */
final class LiveEvents {
    static final long POLL_MS = 500;
    static final long STREAM_MS = 5 * 60_000;
    static final long PING_MS = 10_000;

    void register(Router router, ServerContext ctx) {
        router.get(
                "/api/v1/runs/{id}/events",
                Access.runRead("id"),
                "Server-sent events for one run: 'run' (state, summary, log offset) and 'console' (new lines from 'from')",
                request -> {
                    String id = request.param("id");
                    RunLookup.require(ctx.store(), id);
                    long from = request.queryInt("from", 0, 0, Integer.MAX_VALUE);
                    long millis = streamMillis(request);
                    return stream(out -> runStream(ctx, id, from, millis, out));
                });
        router.get(
                "/api/v1/projects/{project}/events",
                Access.projectRead("project"),
                "Server-sent events for a project's table: 'run' for each changed running run, 'count' when runs appear",
                request -> {
                    String project = request.param("project");
                    long millis = streamMillis(request);
                    return stream(out -> projectStream(ctx, project, millis, out));
                });
        router.get(
                "/api/v1/sweeps/{sweep}/events",
                Access.sweepRead("sweep"),
                "Server-sent events for a sweep's page: 'sweep' (state and trial counts) whenever a trial starts,"
                        + " logs, ends or the sweep changes state; 'end' once nothing will change",
                request -> {
                    Sweep sweep = SweepPageApi.require(ctx.store(), request.param("sweep"));
                    long millis = streamMillis(request);
                    return stream(out -> sweepStream(ctx, sweep.id(), millis, out));
                });
    }

    /** How long a stream stays open: {@code seconds} (0 sends the current state and ends), 5 minutes by default. */
    private static long streamMillis(Request request) {
        return request.queryInt("seconds", (int) (STREAM_MS / 1000), 0, (int) (STREAM_MS / 1000)) * 1000L;
    }

    private static Response stream(Response.BodyWriter writer) {
        return Response.stream(200, "text/event-stream", -1, writer)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no");
    }

    private static void runStream(ServerContext ctx, String id, long fromSeq, long millis, OutputStream out)
            throws IOException {
        Store store = ctx.store();
        long end = System.currentTimeMillis() + millis;
        long nextSeq = fromSeq;
        String last = null;
        long lastWrite = System.currentTimeMillis();
        send(out, "hello", Map.of("run", id));
        do {
            RunInfo run = store.run(id).map(ctx.liveness()).orElse(null);
            if (run == null) {
                send(out, "gone", Map.of("run", id));
                return;
            }
            long offset = store.logOffset(id);
            List<ConsoleLine> lines = store.console(id, nextSeq, 500);
            if (!lines.isEmpty()) {
                nextSeq = lines.get(lines.size() - 1).seq() + 1;
                send(
                        out,
                        "console",
                        Map.of("lines", lines.stream().map(Views::console).toList()));
                lastWrite = System.currentTimeMillis();
            }
            String fingerprint = offset + "|" + Json.write(Views.run(run));
            if (!fingerprint.equals(last)) {
                last = fingerprint;
                send(out, "run", runEvent(run, offset));
                lastWrite = System.currentTimeMillis();
            }
            if (run.state().isTerminal() && lines.isEmpty()) {
                send(out, "end", Map.of("run", id, "state", run.state().label()));
                return;
            }
            lastWrite = ping(out, lastWrite);
        } while (System.currentTimeMillis() < end && sleep());
    }

    private static void projectStream(ServerContext ctx, String project, long millis, OutputStream out)
            throws IOException {
        Store store = ctx.store();
        long end = System.currentTimeMillis() + millis;
        RunQuery running = new RunQuery(project, FilterParser.parse("state = running"), null, true, 1000, 0);
        RunQuery all = RunQuery.project(project);
        Map<String, String> seen = new HashMap<>();
        long count = store.countRuns(all);
        long lastWrite = System.currentTimeMillis();
        send(out, "hello", Map.of("project", project, "count", count));
        for (RunInfo r : store.searchRuns(running)) {
            seen.put(r.id(), fingerprint(ctx, r));
        }
        while (System.currentTimeMillis() < end) {
            if (!sleep()) {
                return;
            }
            Set<String> still = new HashSet<>();
            for (RunInfo r : store.searchRuns(running)) {
                still.add(r.id());
                String fp = fingerprint(ctx, r);
                if (!fp.equals(seen.put(r.id(), fp))) {
                    send(out, "run", runEvent(ctx.liveness().apply(r), store.logOffset(r.id())));
                    lastWrite = System.currentTimeMillis();
                }
            }
            for (String id : Set.copyOf(seen.keySet())) {
                if (!still.contains(id)) {
                    seen.remove(id);
                    store.run(id).ifPresent(r -> {
                        try {
                            send(out, "run", runEvent(ctx.liveness().apply(r), store.logOffset(id)));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
            long now = store.countRuns(all);
            if (now != count) {
                count = now;
                send(out, "count", Map.of("count", count));
                lastWrite = System.currentTimeMillis();
            }
            lastWrite = ping(out, lastWrite);
        }
    }

    private static void sweepStream(ServerContext ctx, String id, long millis, OutputStream out) throws IOException {
        Store store = ctx.store();
        long end = System.currentTimeMillis() + millis;
        String last = null;
        long lastWrite = System.currentTimeMillis();
        send(out, "hello", Map.of("sweep", id));
        do {
            Sweep sweep = store.sweeps().sweep(id).orElse(null);
            if (sweep == null) {
                send(out, "gone", Map.of("sweep", id));
                return;
            }
            List<Trial> trials = store.sweeps().trials(id);
            StringBuilder fp = new StringBuilder(sweep.state() + "|" + sweep.updatedMillis());
            boolean running = false;
            for (Trial t : trials) {
                fp.append('|')
                        .append(t.number())
                        .append(t.state())
                        .append(t.metric())
                        .append(t.reason());
                if (t.state() == TrialState.RUNNING) {
                    // new points of a running trial move its live value on the page
                    fp.append('@').append(store.logOffset(t.runId()));
                    running = true;
                } else if (t.state() == TrialState.PAUSED) {
                    running = true; // its bracket may resume it
                }
            }
            if (!fp.toString().equals(last)) {
                last = fp.toString();
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("sweep", id);
                event.put("state", sweep.state().label());
                event.put("total", trials.size());
                event.put("counts", SweepView.counts(trials));
                send(out, "sweep", event);
                lastWrite = System.currentTimeMillis();
            }
            if (sweep.state().isTerminal() && !running) {
                send(out, "end", Map.of("sweep", id, "state", sweep.state().label()));
                return;
            }
            lastWrite = ping(out, lastWrite);
        } while (System.currentTimeMillis() < end && sleep());
    }

    private static String fingerprint(ServerContext ctx, RunInfo r) {
        RunInfo shown = ctx.liveness().apply(r);
        return shown.state() + "|" + shown.heartbeatAt() + "|" + ctx.store().logOffset(r.id()) + "|"
                + Json.write(Json.encodeNonFinite(shown.summary()));
    }

    private static Map<String, Object> runEvent(RunInfo run, long offset) {
        Map<String, Object> m = new LinkedHashMap<>(Views.run(run));
        m.put("log_offset", offset);
        m.put("live", run.state() == RunState.RUNNING);
        return m;
    }

    private static long ping(OutputStream out, long lastWrite) throws IOException {
        if (System.currentTimeMillis() - lastWrite < PING_MS) {
            return lastWrite;
        }
        out.write(": ping\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        return System.currentTimeMillis();
    }

    private static boolean sleep() {
        try {
            Thread.sleep(POLL_MS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void send(OutputStream out, String event, Object data) throws IOException {
        // JSON never contains a raw newline, so one data line carries the whole event.
        String frame = "event: " + event + "\ndata: " + Json.write(data) + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
