package dev.keel.internal.remote;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.KeelHome;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.blob.BlobStore;
import dev.keel.core.store.WriteBatch;
import dev.keel.internal.log.EventLogReader;
import dev.keel.internal.log.EventType;
import dev.keel.internal.log.LogRecords;
import dev.keel.internal.run.RunRecords;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Uploads the part of a run's local event log that a server has not applied yet: asks the
 * server's offset, reads the log from there and sends it as batches, each carrying its end
 * offset (the per-run sequence number), so that an upload cut off anywhere, retried, or racing
 * another one applies every record exactly once. Run-file contents go up before the batch that
 * lists them, skipped when the server says the run may use its copy already. The background sender and {@code keel sync}
 * both use it.
 */
public final class LogUpload {
    /** Points per request: small enough for a quick request, large enough to amortise it. */
    static final int MAX_POINTS = 5_000;

    static final int MAX_RECORDS = 2_000;
    /** Log bytes per request: keeps a request well under the server's body limit (32 MiB by default). */
    static final long MAX_LOG_BYTES = 4L << 20;

    private LogUpload() {}

    /**
     * Where an upload got to.
     *
     * @param applied  the offset the server holds now
     * @param validEnd where the readable part of the local log ends
     * @param damaged  the local log stops at damage before its end
     */
    public record Result(long applied, long validEnd, boolean damaged) {
        /** Nothing readable is left to send. */
        public boolean caughtUp() {
            return applied >= validEnd;
        }
    }

    /** Uploads what the server lacks of run {@code id}; creates the run there first when new. */
    public static Result upload(KeelHome home, String id, RemoteStore remote, BlobStore blobs) throws IOException {
        Path log = home.eventLog(id);
        OptionalLong known = remote.logOffsetIfExists(id);
        long from;
        if (known.isPresent()) {
            from = known.getAsLong();
        } else {
            create(log, id, remote);
            from = 0;
        }
        if (from > Files.size(log)) {
            throw new KeelException(
                    ErrorCode.CORRUPT_DATA,
                    "the server holds run " + id + " up to offset " + from + " but the local event log " + log
                            + " is shorter: it is not the log this run was uploaded from");
        }
        long applied = from;
        try (EventLogReader reader = EventLogReader.openAt(log, from)) {
            WriteBatch batch = newBatch();
            int records = 0;
            long bytes = 0;
            for (EventLogReader.Entry e; (e = reader.next()) != null; ) {
                try {
                    LogRecords.applyTo(batch, e.type(), e.payload());
                } catch (IllegalArgumentException bad) {
                    // a record with a good CRC this version cannot read: skipped, as recovery does
                }
                batch.logOffset = e.end();
                records++;
                bytes += e.end() - e.offset();
                if (batch.metrics.size() >= MAX_POINTS || records >= MAX_RECORDS || bytes >= MAX_LOG_BYTES) {
                    applied = send(id, batch, remote, blobs);
                    batch = newBatch();
                    records = 0;
                    bytes = 0;
                }
            }
            if (batch.logOffset > applied) {
                applied = send(id, batch, remote, blobs);
            }
            return new Result(applied, reader.validEnd(), reader.damaged());
        }
    }

    /** Sized for a full request (the last record may carry it past MAX_POINTS), so it never grows point by point. */
    private static WriteBatch newBatch() {
        WriteBatch b = new WriteBatch();
        b.metrics.ensureCapacity(MAX_POINTS + 1024);
        return b;
    }

    private static long send(String id, WriteBatch batch, RemoteStore remote, BlobStore blobs) {
        List<RunFile> unsendable = new ArrayList<>();
        for (RunFile f : batch.files) {
            // the server answers "absent" unless this run's project may use its copy: then the bytes go up
            if (remote.hasBlob(id, f.hash())) {
                continue;
            }
            if (blobs != null && blobs.has(f.hash())) {
                remote.putBlobFrom(id, f.hash(), blobs);
            } else {
                unsendable.add(f);
            }
        }
        if (!unsendable.isEmpty()) {
            // The server refuses to list a file whose bytes it was never sent, and these bytes are
            // gone from this machine: leaving them out keeps the rest of the run's log going up.
            batch.files.removeAll(unsendable);
        }
        remote.apply(id, batch);
        return batch.logOffset;
    }

    /** Creates the run on the server from its log's first record (the run as it was created). */
    private static void create(Path log, String id, RemoteStore remote) throws IOException {
        RunInfo info = null;
        Map<String, Object> provenance = new LinkedHashMap<>();
        try (EventLogReader r = EventLogReader.open(log)) {
            EventLogReader.Entry first = r.next();
            if (first != null && first.type() == EventType.CREATE) {
                info = RunRecords.fromMap(LogRecords.readJson(first.payload()));
            }
            // a run numbered after its CREATE record was written: its name follows in a META record
            String name = null;
            for (EventLogReader.Entry e;
                    info != null && RunRecords.unnamed(info) && name == null && (e = r.next()) != null; ) {
                if (e.type() == EventType.META) {
                    name = RunRecords.nameOf(info, e.type(), LogRecords.readJson(e.payload()), null);
                }
            }
            if (info != null && RunRecords.unnamed(info)) {
                info = info.withName(name != null ? name : id);
            }
        }
        if (info == null || !id.equals(info.id())) {
            throw new KeelException(
                    ErrorCode.CORRUPT_DATA,
                    "the event log " + log + " does not start with run " + id
                            + "'s creation record: it cannot be uploaded");
        }
        try {
            remote.createRun(info, provenance);
        } catch (KeelException e) {
            if (e.code() != ErrorCode.RESOURCE_ALREADY_EXISTS) {
                throw e;
            }
            // created by an earlier attempt whose answer was lost: go on with its batches
        }
    }
}
