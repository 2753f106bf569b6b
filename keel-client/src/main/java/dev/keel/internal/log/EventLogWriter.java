package dev.keel.internal.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Appends records to a run's event log. Records are collected with {@link #add} and written by
 * {@link #commit} in one write followed by an fsync, so one writer cycle costs one system call
 * pair however many records it holds.
 *
 * <p>Opening an existing log (a resumed run) first cuts off a torn or corrupt tail, so that
 * new records never hide behind damage that a reader would stop at. Not thread-safe: one
 * writer thread owns it.
 */
public final class EventLogWriter implements Closeable {
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer pending = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long end;

    private EventLogWriter(FileChannel channel, long end) {
        this.channel = channel;
        this.end = end;
    }

    /** Opens (creating when absent) the log for appending. */
    public static EventLogWriter open(Path file) throws IOException {
        long validEnd;
        try (EventLogReader r = EventLogReader.open(file)) {
            while (r.next() != null) {
                // scan to the end of good data
            }
            validEnd = r.validEnd();
        }
        FileChannel ch =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (validEnd == 0) {
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(EventLogFormat.MAGIC), 0);
                validEnd = EventLogFormat.MAGIC.length;
                // not forced: a new log holds nothing yet, the first commit that forces covers
                // these bytes too, and a kill leaves them in the operating system's cache
            } else if (ch.size() > validEnd) {
                ch.truncate(validEnd);
                ch.force(false);
            }
            ch.position(validEnd);
            return new EventLogWriter(ch, validEnd);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Buffers one record; nothing reaches the file before {@link #commit}. */
    public void add(EventType type, byte[] payload) {
        int need = EventLogFormat.RECORD_HEADER + payload.length;
        if (pending.remaining() < need) {
            int cap = Math.max(pending.capacity() * 2, pending.position() + need);
            ByteBuffer bigger = ByteBuffer.allocate(cap).order(ByteOrder.LITTLE_ENDIAN);
            pending.flip();
            bigger.put(pending);
            pending = bigger;
        }
        crc.reset();
        crc.update(type.code);
        crc.update(payload);
        pending.putInt(payload.length)
                .putInt((int) crc.getValue())
                .put(type.code)
                .put(payload);
    }

    /** True when records wait for {@link #commit}. */
    public boolean hasPending() {
        return pending.position() > 0;
    }

    /**
     * Writes the buffered records and forces them to disk; returns the new end offset. On
     * failure the file is cut back to the last good end (when possible) and the records stay
     * buffered, so the caller decides whether to retry or give up.
     */
    public long commit() throws IOException {
        return commit(true);
    }

    /**
     * As {@link #commit()}; without {@code force} the records reach the operating system
     * (they survive the process being killed) but not necessarily the disk yet.
     */
    public long commit(boolean force) throws IOException {
        if (pending.position() == 0) {
            return end;
        }
        pending.flip();
        try {
            while (pending.hasRemaining()) {
                channel.write(pending);
            }
            if (force) {
                channel.force(false);
            }
        } catch (IOException e) {
            pending.position(pending.limit()).limit(pending.capacity());
            try {
                channel.truncate(end);
                channel.position(end);
            } catch (IOException ignored) {
                // the reader stops at the torn part anyway
            }
            throw e;
        }
        end += pending.limit();
        pending.clear();
        return end;
    }

    /** Drops records buffered since the last commit. */
    public void discardPending() {
        pending.clear();
    }

    public long end() {
        return end;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
