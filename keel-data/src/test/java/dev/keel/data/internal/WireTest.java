package dev.keel.data.internal;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireTest {
    private static final String HEX = "ab".repeat(32);

    private static ByteArrayInputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void packHeadersRoundTripAndLeaveTheStreamAtTheBytes() throws IOException {
        List<Wire.Item> items =
                List.of(new Wire.Item("sha256:" + HEX, 3), new Wire.Item("sha256:" + "cd".repeat(32), 0));
        byte[] header = Wire.packHeader(items);
        ByteArrayInputStream body = new ByteArrayInputStream(
                (new String(header, StandardCharsets.US_ASCII) + "xyz").getBytes(StandardCharsets.US_ASCII));
        assertEquals(items, Wire.readPackHeader(body));
        assertEquals("xyz", new String(body.readAllBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void framesEndWithEnd() throws IOException {
        var s = in(new String(Wire.frameHeader("sha256:" + HEX, 2), StandardCharsets.US_ASCII) + "hiend\n");
        assertEquals(new Wire.Item("sha256:" + HEX, 2), Wire.readFrame(s));
        s.skipNBytes(2);
        assertNull(Wire.readFrame(s));
        assertThrows(IOException.class, () -> Wire.readFrame(in("")), "a cut download is an I/O error, resumable");
    }

    @Test
    void malformedHeadersAreClearErrors() {
        assertTrue(message("GET / HTTP/1.1\n").contains("keel-pack 1"));
        assertTrue(message("keel-pack 1\nmany\n").contains("not a number"));
        assertTrue(message("keel-pack 1\n2000000\n").contains("0 to 1000000"));
        assertTrue(message("keel-pack 1\n1\nzz 3\n").contains("64 hex digits"));
        assertTrue(message("keel-pack 1\n1\n" + HEX + " -1\n").contains("length -1"));
        assertTrue(message("keel-pack 1\n2\n" + HEX + " 3\n").contains("ends after 1 of 2"));
        assertTrue(message("keel-pack 1\n1\n" + "a".repeat(300) + "\n").contains("longer than 200"));
        StringBuilder big = new StringBuilder("keel-pack 1\n100\n");
        for (int i = 0; i < 100; i++) {
            big.append(HEX).append(' ').append(16 << 20).append('\n');
        }
        assertTrue(message(big.toString()).contains("at most"));
    }

    private static String message(String header) {
        return assertThrows(KeelException.class, () -> Wire.readPackHeader(in(header)))
                .getMessage();
    }
}
