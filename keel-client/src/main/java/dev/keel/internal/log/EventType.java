package dev.keel.internal.log;

/**
 * The kinds of record in a run's event log. The byte codes are part of the on-disk format
 * (docs/event-log.md): never renumber, only add.
 */
public enum EventType {
    /** The run as created (JSON): lets a reader rebuild a run the store never saw. */
    CREATE(1),
    /** Provenance captured in the background (JSON). */
    PROVENANCE(2),
    /** Metric points (binary, see {@link MetricCodec}). */
    METRICS(3),
    /** Summary values that changed (JSON object; null removes a key). */
    SUMMARY(4),
    /** Config values merged into the run's config (JSON object). */
    CONFIG(5),
    /** Notes, tags or name (JSON object with any of "notes", "tags", "name"). */
    META(6),
    /** One console line (JSON: seq, ts, stream, text). */
    CONSOLE(7),
    /** A file kept with the run (JSON: name, hash, size, kind, createdAt). */
    FILE(8),
    /** A state change (JSON: state, endedAt, error). */
    STATE(9),
    /** A sign of life (JSON: at, runtimeMs). */
    HEARTBEAT(10),
    /**
     * A rewind of the metric history (JSON: afterStep): points at later steps, logged before
     * this record, are dropped. Written before the METRICS records of its commit.
     */
    REWIND(11);

    private static final EventType[] BY_CODE = new EventType[16];

    static {
        for (EventType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    public final byte code;

    EventType(int code) {
        this.code = (byte) code;
    }

    /** The type for a code, or null for a code this version does not know. */
    public static EventType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
