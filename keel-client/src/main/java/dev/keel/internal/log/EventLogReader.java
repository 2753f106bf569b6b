package dev.keel.internal.log;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads a run's event log record by record, stopping cleanly at the first record that is
 * torn (the file ends inside it) or corrupt (its CRC32C does not match): everything before it
 * is trusted, nothing after it is. {@link #validEnd()} then tells where good data ends, and
 * {@link #stopReason()} why reading stopped.
 *
 * <pre>{@code
 * try (EventLogReader r = EventLogReader.open(log)) {
 *     for (EventLogReader.Entry e; (e = r.next()) != null; ) { ... }
 * }
 * }</pre>
 */
public final class EventLogReader implements Closeable {
    private final DataInputStream in;
    private final long fileSize;
    private long position;
    private String stopReason;

    private EventLogReader(InputStream in, long fileSize) {
        this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        this.fileSize = fileSize;
    }

    /** Opens a log; a missing file reads as an empty log. */
    public static EventLogReader open(Path file) throws IOException {
        InputStream raw;
        long size;
        try {
            raw = Files.newInputStream(file);
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            raw = InputStream.nullInputStream();
            size = 0;
        }
        EventLogReader r = new EventLogReader(raw, size);
        r.readHeader();
        return r;
    }

    /**
     * Opens a log positioned at {@code offset}, which must be a record boundary (an offset a
     * store holds as applied): reading starts with the record that begins there.
     */
    public static EventLogReader openAt(Path file, long offset) throws IOException {
        EventLogReader r = open(file);
        if (r.stopReason == null && offset > r.position) {
            if (offset > r.fileSize) {
                r.in.close();
                throw new IOException("offset " + offset + " is past the end of " + file + " (" + r.fileSize
                        + " bytes): the log is shorter than what was applied from it");
            }
            r.in.skipNBytes(offset - r.position);
            r.position = offset;
        }
        return r;
    }

    private void readHeader() throws IOException {
        if (fileSize == 0) {
            stopReason = "end of log";
            return;
        }
        byte[] magic = new byte[EventLogFormat.MAGIC.length];
        try {
            in.readFully(magic);
        } catch (EOFException e) {
            stopReason = "torn file header";
            return;
        }
        if (!Arrays.equals(magic, EventLogFormat.MAGIC)) {
            stopReason = "not a Keel event log (bad file header)";
            return;
        }
        position = magic.length;
    }

    /** The next good record, or null at the end of good data. */
    public Entry next() throws IOException {
        if (stopReason != null) {
            return null;
        }
        long start = position;
        if (start == fileSize) {
            stopReason = "end of log";
            return null;
        }
        if (fileSize - start < EventLogFormat.RECORD_HEADER) {
            stopReason = "torn record header at offset " + start;
            return null;
        }
        byte[] header = new byte[EventLogFormat.RECORD_HEADER];
        in.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long length = Integer.toUnsignedLong(h.getInt());
        int crc = h.getInt();
        byte type = h.get();
        if (length > EventLogFormat.MAX_PAYLOAD) {
            stopReason = "corrupt record length " + length + " at offset " + start;
            return null;
        }
        if (fileSize - start - EventLogFormat.RECORD_HEADER < length) {
            stopReason = "torn record at offset " + start;
            return null;
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        CRC32C c = new CRC32C();
        c.update(type);
        c.update(payload);
        if ((int) c.getValue() != crc) {
            stopReason = "CRC mismatch at offset " + start;
            return null;
        }
        EventType t = EventType.of(type);
        if (t == null) {
            stopReason = "unknown record type " + type + " at offset " + start;
            return null;
        }
        position = start + EventLogFormat.RECORD_HEADER + length;
        return new Entry(t, payload, start, position);
    }

    /** The offset just after the last good record read so far (the header's end for an empty log). */
    public long validEnd() {
        return position;
    }

    /** Why {@link #next()} returned null; null while reading goes on. */
    public String stopReason() {
        return stopReason;
    }

    /** True when reading stopped at damage rather than at the end of the file. */
    public boolean damaged() {
        return stopReason != null && !stopReason.equals("end of log");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** One record: its type, payload and byte range {@code [offset, end)} in the file. */
    public record Entry(EventType type, byte[] payload, long offset, long end) {}
}
