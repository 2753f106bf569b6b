package dev.keel.internal.log;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlainJsonTest {
    @Test
    void aPlainRecordReadsBackAsWritten() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("lr", 1.0e-4);
        config.put("nan", Double.NaN);
        config.put("inf", Double.NEGATIVE_INFINITY);
        config.put("layers", Arrays.asList(64L, 32L, null));
        config.put("text", "tab\there \"quoted\" back\\slash \u0001 é 中");
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", "6v8m5w0s");
        record.put("pid", 4242L);
        record.put("ok", true);
        record.put("config", config);

        byte[] json = PlainJson.write(record);

        assertEquals(record.toString(), LogRecords.readJson(json).toString());
        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"nan\":NaN,\"inf\":-Infinity"), text);
        assertTrue(text.contains("\\u0001"), text);
    }

    @Test
    void whatItDoesNotWriteJacksonDoes() {
        assertNull(PlainJson.write(Map.of("lr", 0.1f)));
        assertNull(PlainJson.write(Map.of("lone", "half \uD83D of a pair")));
        assertNull(PlainJson.write(Map.of(1, "a")));
        Map<String, Object> odd = Map.of("lr", 0.1f, "emoji", "\uD83D\uDE00");
        assertEquals(Map.of("lr", 0.1, "emoji", "\uD83D\uDE00"), LogRecords.readJson(LogRecords.json(odd)));
    }

    @Test
    void aSurrogatePairIsWrittenAsItsCharacter() {
        Map<String, Object> record = Map.of("emoji", "\uD83D\uDE00 and 𝄞");
        byte[] json = PlainJson.write(record);
        assertEquals(record, LogRecords.readJson(json));
        assertTrue(new String(json, StandardCharsets.UTF_8).contains("\uD83D\uDE00"));
    }

    @Test
    void theSameRecordReadsTheSameWhicheverWrote() {
        Map<String, Object> record = Map.of("tags", List.of("a", "b"), "step", 7L, "loss", 0.25);
        assertEquals(LogRecords.readJson(PlainJson.write(record)), LogRecords.readJson(LogRecords.json(record)));
    }
}
