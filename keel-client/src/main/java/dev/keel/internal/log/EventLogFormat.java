package dev.keel.internal.log;

import java.nio.charset.StandardCharsets;

/** Constants of the event-log file format (docs/event-log.md). */
final class EventLogFormat {
    /** File header: 8 bytes, the last one the format version. */
    static final byte[] MAGIC = "KEELLOG\u0001".getBytes(StandardCharsets.US_ASCII);
    /** u32 length + u32 CRC32C + u8 type. */
    static final int RECORD_HEADER = 9;
    /** Larger lengths are taken as damage, not as a record. */
    static final int MAX_PAYLOAD = 64 << 20;

    private EventLogFormat() {}
}
