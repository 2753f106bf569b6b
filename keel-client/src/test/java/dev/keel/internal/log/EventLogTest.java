package dev.keel.internal.log;

import dev.keel.core.MetricBatch;
import dev.keel.core.store.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLogTest {
    @TempDir
    Path dir;

    private Path writeLog(int records) throws IOException {
        Path log = dir.resolve("events.log");
        try (EventLogWriter w = EventLogWriter.open(log)) {
            for (int i = 0; i < records; i++) {
                MetricBatch b = new MetricBatch();
                b.add("loss", i, 1000L + i, 1.0 / (i + 1));
                b.add("acc", i, 1000L + i, i == 2 ? Double.NaN : i);
                w.add(EventType.METRICS, MetricCodec.encode(b, 0, b.size()).payload());
                w.add(EventType.SUMMARY, LogRecords.json(Map.of("best", (double) i)));
                w.commit();
            }
        }
        return log;
    }

    private static List<EventLogReader.Entry> readAll(Path log, String[] reason) throws IOException {
        List<EventLogReader.Entry> out = new ArrayList<>();
        try (EventLogReader r = EventLogReader.open(log)) {
            for (EventLogReader.Entry e; (e = r.next()) != null; ) {
                out.add(e);
            }
            reason[0] = r.stopReason();
        }
        return out;
    }

    @Test
    void recordsReadBackExactlyIncludingNonFiniteValues() throws IOException {
        Path log = writeLog(3);
        String[] reason = new String[1];
        List<EventLogReader.Entry> entries = readAll(log, reason);
        assertEquals(6, entries.size());
        assertEquals("end of log", reason[0]);
        WriteBatch batch = new WriteBatch();
        for (EventLogReader.Entry e : entries) {
            LogRecords.applyTo(batch, e.type(), e.payload());
        }
        assertEquals(6, batch.metrics.size());
        assertEquals("acc", batch.metrics.key(5));
        assertTrue(Double.isNaN(batch.metrics.value(5)));
        assertEquals(2.0, batch.summary.get("best"));
        assertEquals(Files.size(log), entries.get(5).end());
    }

    @Test
    void aTruncatedTailAtAnyByteIsDetectedAndEverythingBeforeItIsKept() throws IOException {
        Path log = writeLog(3);
        String[] reason = new String[1];
        List<EventLogReader.Entry> whole = readAll(log, reason);
        byte[] bytes = Files.readAllBytes(log);
        for (int c = 0; c < bytes.length; c++) {
            final int cut = c;
            Path torn = dir.resolve("torn-" + cut + ".log");
            Files.write(torn, Arrays.copyOf(bytes, cut));
            List<EventLogReader.Entry> got = readAll(torn, reason);
            long complete = whole.stream().filter(e -> e.end() <= cut).count();
            assertEquals(complete, got.size(), "cut at " + cut);
            boolean atBoundary =
                    cut == 0 || whole.stream().anyMatch(e -> e.end() == cut) || cut == EventLogFormat.MAGIC.length;
            assertEquals(!atBoundary, reason[0].startsWith("torn"), "cut at " + cut + ": " + reason[0]);
        }
    }

    @Test
    void aCorruptByteIsCaughtByTheCrcAndReadingStopsBeforeIt() throws IOException {
        Path log = writeLog(3);
        String[] reason = new String[1];
        List<EventLogReader.Entry> whole = readAll(log, reason);
        EventLogReader.Entry third = whole.get(2);
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            long at = third.offset() + EventLogFormat.RECORD_HEADER + 3;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
        List<EventLogReader.Entry> got = readAll(log, reason);
        assertEquals(2, got.size());
        assertTrue(reason[0].startsWith("CRC mismatch at offset " + third.offset()), reason[0]);
    }

    @Test
    void reopeningCutsATornTailSoNewRecordsAreReadable() throws IOException {
        Path log = writeLog(2);
        long size = Files.size(log);
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            f.setLength(size - 5);
        }
        try (EventLogWriter w = EventLogWriter.open(log)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("x", Double.POSITIVE_INFINITY);
            w.add(EventType.SUMMARY, LogRecords.json(m));
            w.commit();
        }
        String[] reason = new String[1];
        List<EventLogReader.Entry> got = readAll(log, reason);
        assertEquals(4, got.size(), "3 good old records + the new one");
        assertEquals("end of log", reason[0]);
        assertEquals(
                Double.POSITIVE_INFINITY,
                LogRecords.readJson(got.get(3).payload()).get("x"));
    }

    @Test
    void aFileThatIsNotAnEventLogReadsAsDamagedNotAsRecords() throws IOException {
        Path log = dir.resolve("other.log");
        Files.writeString(log, "hello world, not a log at all");
        try (EventLogReader r = EventLogReader.open(log)) {
            assertEquals(null, r.next());
            assertTrue(r.damaged());
            assertTrue(r.stopReason().contains("not a Keel event log"));
        }
    }

    @Test
    void openingAtAnAppliedOffsetReadsTheRecordsAfterIt() throws IOException {
        Path log = writeLog(3);
        List<EventLogReader.Entry> all = readAll(log, new String[1]);
        for (int i = 0; i < all.size(); i++) {
            try (EventLogReader r = EventLogReader.openAt(log, all.get(i).end())) {
                List<EventLogReader.Entry> rest = new ArrayList<>();
                for (EventLogReader.Entry e; (e = r.next()) != null; ) {
                    rest.add(e);
                }
                assertEquals(all.size() - i - 1, rest.size());
                if (!rest.isEmpty()) {
                    assertEquals(all.get(i + 1).offset(), rest.get(0).offset());
                    assertEquals(all.get(i + 1).type(), rest.get(0).type());
                }
                assertEquals(Files.size(log), r.validEnd());
            }
        }
        IOException past = assertThrows(IOException.class, () -> EventLogReader.openAt(log, Files.size(log) + 1));
        assertTrue(past.getMessage().contains("is past the end of"), past.getMessage());
    }

    @Test
    void aMissingLogIsEmpty() throws IOException {
        try (EventLogReader r = EventLogReader.open(dir.resolve("absent.log"))) {
            assertEquals(null, r.next());
            assertFalse(r.damaged());
        }
    }

    @Test
    void metricRecordsSplitWhenKeysExceedTheDictionary() {
        MetricBatch b = new MetricBatch();
        for (int i = 0; i < MetricCodec.MAX_KEYS + 10; i++) {
            b.add("k" + i, 0, 0, i);
        }
        MetricCodec.Encoded first = MetricCodec.encode(b, 0, b.size());
        assertEquals(MetricCodec.MAX_KEYS, first.taken());
        MetricBatch back = new MetricBatch();
        MetricCodec.decode(first.payload(), back);
        MetricCodec.decode(MetricCodec.encode(b, first.taken(), b.size()).payload(), back);
        assertEquals(b.size(), back.size());
        assertEquals("k" + (MetricCodec.MAX_KEYS + 9), back.key(back.size() - 1));
    }
}
