package dev.keel.core.store.wire;

import dev.keel.core.ConsoleLine;
import dev.keel.core.KeelException;
import dev.keel.core.RunFile;
import dev.keel.core.RunState;
import dev.keel.core.store.WriteBatch;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class BatchBinaryTest {
    private static final String HASH = "sha256:" + "ab".repeat(32);

    /** A batch with every field set (shared with BatchJsonTest: both codecs must carry all of it). */
    static WriteBatch full() {
        WriteBatch b = new WriteBatch();
        b.logOffset = 4096;
        b.metrics.add("loss", 7, 1_700_000_000_000L, 0.1 + 0.2);
        b.metrics.add("acc", 7, 1_700_000_000_001L, Double.NaN);
        b.metrics.add("loss", 8, 1_700_000_000_002L, Double.NEGATIVE_INFINITY);
        b.metrics.add("system/cpu", -1, 1_700_000_000_003L, 1e300);
        b.summary.put("loss", 0.25);
        b.summary.put("gone", null);
        b.config.put("optimizer", Map.of("name", "adam"));
        b.provenance.put("seeds", List.of(42L));
        b.console.add(new ConsoleLine(3, 1_700_000_000_004L, "err", "ünïcödé \"quoted\"\n"));
        b.addFile(new RunFile("out/model.bin", HASH, 10, "artifact", 1_700_000_000_005L));
        b.removeFile("old.txt");
        b.state = RunState.FINISHED;
        b.endedAt = 1_700_000_000_009L;
        b.heartbeatAt = 1_700_000_000_008L;
        b.runtimeMs = 9000;
        b.notes = "notes";
        b.tags = List.of("a", "b");
        b.name = "bold-otter-3";
        b.host = "gpu-box-2";
        b.pid = 4242;
        b.problems = List.of("12345 metric points not stored: the event log and the store could not be written");
        b.truncateAfterStep = 6;
        return b;
    }

    @Test
    void everyFieldOfABatchSurvivesTheRoundTrip() {
        WriteBatch b = full();
        BatchJsonTest.assertSameBatch(b, BatchBinary.decode(BatchBinary.encode(b)));
    }

    @Test
    void manyPointsWithExtremeStepsAndTimesRoundTripBitForBit() {
        WriteBatch b = new WriteBatch();
        Random r = new Random(7);
        long[] steps = {0, Long.MAX_VALUE, Long.MIN_VALUE, -1, 1, 1L << 40};
        for (int i = 0; i < 20_000; i++) {
            long step = i < steps.length ? steps[i] : r.nextLong();
            long time = i % 3 == 0 ? Long.MAX_VALUE : i % 3 == 1 ? 0 : r.nextLong() & Long.MAX_VALUE;
            double v = i % 5 == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextGaussian();
            b.metrics.add("kéy/" + (i % 300), step, time, v);
        }
        WriteBatch back = BatchBinary.decode(BatchBinary.encode(b));
        assertEquals(b.metrics.size(), back.metrics.size());
        for (int i = 0; i < b.metrics.size(); i++) {
            assertEquals(b.metrics.key(i), back.metrics.key(i));
            assertEquals(b.metrics.step(i), back.metrics.step(i));
            assertEquals(b.metrics.timestamp(i), back.metrics.timestamp(i));
            assertEquals(
                    Double.doubleToRawLongBits(b.metrics.value(i)), Double.doubleToRawLongBits(back.metrics.value(i)));
        }
        assertTrue(back.summary.isEmpty() && back.console.isEmpty());
    }

    @Test
    void anEmptyBatchStaysEmptyAndItsBodyIsSmall() {
        byte[] body = BatchBinary.encode(new WriteBatch());
        assertTrue(body.length < 40, "got " + body.length + " bytes");
        assertTrue(BatchBinary.decode(body).isEmpty());
    }

    @Test
    void theMediaTypeIsRecognisedWithParameters() {
        assertTrue(BatchBinary.isMediaType("application/x-keel-batch"));
        assertTrue(BatchBinary.isMediaType("Application/X-Keel-Batch; version=1"));
        assertTrue(!BatchBinary.isMediaType("application/json") && !BatchBinary.isMediaType(null));
    }

    @Test
    void badBodiesAreClearFourHundreds() {
        assertMessage("{}".getBytes(StandardCharsets.UTF_8), "is not a Keel binary batch");
        assertMessage(new byte[0], "is not a Keel binary batch");
        // a bad key, a key index out of range, a negative time, trailing bytes, the header's own fields
        WriteBatch b = new WriteBatch();
        b.metrics.add("k".repeat(251), 1, 1, 1);
        assertMessage(BatchBinary.encode(b), "field 'metrics.keys[0]' has a key of 251 characters, more than 250");
        b = new WriteBatch();
        b.metrics.add("x", 1, 5, 1);
        byte[] body = BatchBinary.encode(b);
        byte[] badIndex = body.clone();
        badIndex[body.length - 8 - 3] = 1;
        assertMessage(badIndex, "field 'metrics.key[0]' must index 'metrics.keys' (0 to 0), got 1");
        byte[] negativeTime = body.clone();
        negativeTime[body.length - 8 - 1] = 9; // zigzag 9 = -5
        assertMessage(negativeTime, "field 'metrics.timestamp[0]' must be 0 or more, got -5");
        byte[] longer = Arrays.copyOf(body, body.length + 1);
        assertMessage(longer, "after the last point");
        WriteBatch header = new WriteBatch();
        header.state = RunState.UNREACHABLE;
        assertMessage(BatchBinary.encode(header), "field 'state' cannot be 'unreachable'");
    }

    @Test
    void everyTruncationAndRandomDamageIsAKeelErrorNeverAnotherException() {
        byte[] body = BatchBinary.encode(full());
        for (int n = 0; n < body.length; n++) {
            byte[] cut = Arrays.copyOf(body, n);
            assertThrows(KeelException.class, () -> BatchBinary.decode(cut), "cut at " + n);
        }
        Random r = new Random(11);
        for (int trial = 0; trial < 5_000; trial++) {
            byte[] bad = body.clone();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
            }
            try {
                BatchBinary.decode(bad);
            } catch (KeelException e) {
                assertTrue(e.code().httpStatus() == 400, e.code() + ": " + e.getMessage());
            } catch (RuntimeException e) {
                fail("trial " + trial + " threw " + e);
            }
        }
    }

    private static void assertMessage(byte[] body, String part) {
        KeelException e = assertThrows(KeelException.class, () -> BatchBinary.decode(body));
        assertEquals(400, e.code().httpStatus(), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
