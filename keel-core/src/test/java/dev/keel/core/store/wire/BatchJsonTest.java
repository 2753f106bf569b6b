package dev.keel.core.store.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.WriteBatch;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchJsonTest {
    private static final String HASH = "sha256:" + "ab".repeat(32);

    @Test
    void everyFieldOfABatchSurvivesTheRoundTrip() throws Exception {
        WriteBatch b = BatchBinaryTest.full();

        assertSameBatch(b, BatchJson.decode(Json.MAPPER.readTree(BatchJson.encode(b))));
        assertSameBatch(b, BatchJson.decode(BatchJson.encode(b)));
    }

    static void assertSameBatch(WriteBatch b, WriteBatch back) {
        assertEquals(4096, back.logOffset);
        assertEquals(4, back.metrics.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(b.metrics.key(i), back.metrics.key(i));
            assertEquals(b.metrics.step(i), back.metrics.step(i));
            assertEquals(b.metrics.timestamp(i), back.metrics.timestamp(i));
            assertEquals(Double.doubleToLongBits(b.metrics.value(i)), Double.doubleToLongBits(back.metrics.value(i)));
        }
        assertEquals(0.25, back.summary.get("loss"));
        assertTrue(back.summary.containsKey("gone"));
        assertNull(back.summary.get("gone"));
        assertEquals(Map.of("name", "adam"), back.config.get("optimizer"));
        assertEquals(List.of(42L), back.provenance.get("seeds"));
        assertEquals(b.console, back.console);
        assertEquals(b.files, back.files);
        assertEquals(List.of("old.txt"), back.removedFiles);
        assertEquals(RunState.FINISHED, back.state);
        assertEquals(b.endedAt, back.endedAt);
        assertEquals(b.heartbeatAt, back.heartbeatAt);
        assertEquals(9000, back.runtimeMs);
        assertEquals("notes", back.notes);
        assertEquals(List.of("a", "b"), back.tags);
        assertEquals("bold-otter-3", back.name);
        assertEquals("gpu-box-2", back.host);
        assertEquals(4242, back.pid);
        assertEquals(b.problems, back.problems);
        assertEquals(b.truncateAfterStep, back.truncateAfterStep);
    }

    @Test
    void anEmptyBatchStaysEmpty() throws Exception {
        WriteBatch back = BatchJson.decode(Json.MAPPER.readTree(BatchJson.encode(new WriteBatch())));
        assertTrue(back.isEmpty());
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        assertMessage(
                "{\"metrics\": {\"keys\": [\"x\"], \"key\": [0], \"step\": [1.5], \"timestamp\": [0], \"value\": [1]}}",
                "field 'metrics.step[0]' must be a whole number, got 1.5");
        assertMessage(
                "{\"metrics\": {\"keys\": [\"x\"], \"key\": [0], \"step\": [1], \"timestamp\": [0], \"value\": [\"nan\"]}}",
                "field 'metrics.value[0]' must be a number or one of \"NaN\", \"Infinity\", \"-Infinity\", got \"nan\"");
        assertMessage(
                "{\"metrics\": {\"keys\": [\"" + "k".repeat(251)
                        + "\"], \"key\": [], \"step\": [], \"timestamp\": [], \"value\": []}}",
                "field 'metrics.keys[0]' has a key of 251 characters, more than 250");
        assertMessage(
                "{\"metrics\": {\"keys\": [\"x\"], \"key\": [1], \"step\": [1], \"timestamp\": [0], \"value\": [1]}}",
                "field 'metrics.key[0]' must index 'metrics.keys' (0 to 0), got 1");
        assertMessage(
                "{\"metrics\": {\"keys\": [\"x\"], \"key\": [0, 0], \"step\": [1], \"timestamp\": [0], \"value\": [1]}}",
                "fields 'metrics.key', 'metrics.step', 'metrics.timestamp' and 'metrics.value' must have one entry per point; their lengths are 2, 1, 1, 1");
        assertMessage("{\"summary\": [1]}", "field 'summary' must be a JSON object, got array");
        assertMessage(
                "{\"state\": \"unreachable\"}",
                "field 'state' cannot be 'unreachable': the server decides it from heartbeats");
        assertMessage(
                "{\"files\": [{\"name\": \"../etc/passwd\", \"hash\": \"" + HASH + "\", \"size\": 1}]}",
                "field 'files[0].name' must not hold empty, '.' or '..' segments, got \"../etc/passwd\"");
        assertMessage(
                "{\"console\": [{\"seq\": 0, \"timestamp\": 0, \"stream\": \"tty\", \"text\": \"\"}]}",
                "field 'console[0].stream' must be \"out\" or \"err\", got \"tty\"");
        assertMessage("{\"colour\": 1}", "unknown field 'colour': the accepted fields are ");
        assertMessage("{\"log_offset\": \"12\"}", "field 'log_offset' must be a whole number, got \"12\"");
    }

    @Test
    void aRunSurvivesTheRoundTripAndBadRunsAreRefused() throws Exception {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("lr", 0.001);
        config.put("layers", List.of(64L, 32L));
        RunInfo run = new RunInfo(
                "abcd1234",
                "p",
                "bold-otter-1",
                "g",
                "me",
                List.of("t"),
                "n",
                RunState.RUNNING,
                1L,
                2L,
                0L,
                3L,
                "",
                "host",
                99L,
                config,
                Map.of("loss", 0.5));
        JsonNode body = Json.MAPPER.readTree(Json.write(RunJson.createBody(run, Map.of("git", Map.of("commit", "x")))));
        assertEquals(run, RunJson.read(body, "p"));
        assertEquals(Map.of("git", Map.of("commit", "x")), RunJson.provenance(body));
        KeelException e = assertThrows(KeelException.class, () -> RunJson.read(body, "other"));
        assertEquals("field 'project' is \"p\" but the path names project \"other\"", e.getMessage());
        JsonNode badId = Json.MAPPER.readTree("{\"id\": \"../x\", \"name\": \"n\"}");
        assertEquals(
                "field 'id' must be a run id (8 characters a-z, 0-9), got \"../x\"",
                assertThrows(KeelException.class, () -> RunJson.read(badId, "p"))
                        .getMessage());
    }

    private static void assertMessage(String json, String expected) {
        KeelException e = assertThrows(KeelException.class, () -> BatchJson.decode(Json.MAPPER.readTree(json)));
        assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        KeelException streamed =
                assertThrows(KeelException.class, () -> BatchJson.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, streamed.code());
        assertTrue(streamed.getMessage().startsWith(expected), streamed.getMessage());
    }

    @Test
    void malformedJsonIsABadRequestSayingWhere() {
        KeelException e = assertThrows(
                KeelException.class,
                () -> BatchJson.decode("{\"metrics\": {\"key\": [0,".getBytes(StandardCharsets.UTF_8)));
        assertEquals(KeelException.ErrorCode.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().startsWith("the request body is not valid JSON: "), e.getMessage());
        assertEquals(
                KeelException.ErrorCode.BAD_REQUEST,
                assertThrows(KeelException.class, () -> BatchJson.decode(new byte[0]))
                        .code());
    }

    @SuppressWarnings("unused")
    private static List<Object> list(Object... o) {
        return new ArrayList<>(List.of(o));
    }
}
