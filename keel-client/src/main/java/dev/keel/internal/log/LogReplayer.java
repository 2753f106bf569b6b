package dev.keel.internal.log;

import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Applies the part of a run's event log that the store has not applied yet (from
 * {@link Store#logOffset}), in batches of bounded size, each carrying its end offset so that a
 * replay interrupted half-way, or two replays racing, never apply a record twice.
 */
public final class LogReplayer {
    static final int MAX_POINTS_PER_BATCH = 200_000;

    private LogReplayer() {}

    /** What a replay found. */
    public record Result(long appliedTo, long lastHeartbeat, long records, boolean damaged, String stopReason) {}

    /**
     * Replays {@code log} into {@code store} for {@code runId}. When {@code endState} is not
     * null the last batch also sets that state, with {@code endedAt} = the last heartbeat
     * seen (or {@code fallbackEnd} when the log has none), unless the log itself ends with the
     * run's end (its writer wrote it there but the store did not take it).
     */
    public static Result replay(Path log, Store store, String runId, RunState endState, long fallbackEnd)
            throws IOException {
        long from = Math.max(0, store.logOffset(runId));
        long lastHeartbeat = 0;
        long records = 0;
        WriteBatch batch = new WriteBatch();
        RunState logged = null;
        try (EventLogReader reader = EventLogReader.open(log)) {
            for (EventLogReader.Entry e; (e = reader.next()) != null; ) {
                if (e.end() <= from) {
                    if (e.type() == EventType.HEARTBEAT) {
                        lastHeartbeat = Math.max(
                                lastHeartbeat,
                                ((Number) LogRecords.readJson(e.payload()).getOrDefault("at", 0L)).longValue());
                    }
                    continue;
                }
                try {
                    lastHeartbeat = Math.max(lastHeartbeat, LogRecords.applyTo(batch, e.type(), e.payload()));
                } catch (IllegalArgumentException bad) {
                    // a record with a good CRC but a payload this version cannot read: skip it
                }
                if (e.type() == EventType.STATE && batch.state != null) {
                    logged = batch.state;
                }
                batch.logOffset = e.end();
                records++;
                if (batch.metrics.size() >= MAX_POINTS_PER_BATCH) {
                    store.apply(runId, batch);
                    batch = new WriteBatch();
                }
            }
            if (endState != null && (logged == null || !logged.isTerminal())) {
                long end = lastHeartbeat > 0 ? lastHeartbeat : fallbackEnd;
                batch.state = endState;
                batch.endedAt = end;
                if (batch.heartbeatAt == 0 && lastHeartbeat > 0) {
                    batch.heartbeatAt = lastHeartbeat;
                }
            }
            if (!batch.isEmpty()) {
                store.apply(runId, batch);
            }
            return new Result(
                    Math.max(from, reader.validEnd()), lastHeartbeat, records, reader.damaged(), reader.stopReason());
        }
    }
}
