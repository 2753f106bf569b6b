package dev.keel.core.http;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class ServerErrorsTest {
    private static final String URL = "http://keel.example:7080";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aKeelErrorKeepsItsCodeAndMessage() {
        KeelException e = ServerErrors.decode(
                URL,
                409,
                "RESOURCE_ALREADY_EXISTS",
                utf8("{\"error_code\": \"RESOURCE_ALREADY_EXISTS\", \"message\": \"run 6v8m5w0s exists\"}"));
        assertEquals(ErrorCode.RESOURCE_ALREADY_EXISTS, e.code());
        assertEquals("run 6v8m5w0s exists", e.getMessage());
        assertFalse(e instanceof NotKeelException);
    }

    @Test
    void aHeadAnswerIsKnownByItsHeader() {
        KeelException e = ServerErrors.decode(URL, 404, "RESOURCE_DOES_NOT_EXIST", new byte[0]);
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, e.code());
        assertFalse(e instanceof NotKeelException);
    }

    @Test
    void anythingElseSaysItIsNotKeelAndShowsTheStartOfTheBody() {
        String page = "<html>\n  <body>" + "x".repeat(300) + "</body></html>";
        KeelException e = ServerErrors.decode(URL, 502, null, utf8(page));
        assertInstanceOf(NotKeelException.class, e);
        assertEquals(ErrorCode.TEMPORARILY_UNAVAILABLE, e.code());
        String shown = ("<html> <body>" + "x".repeat(300)).substring(0, 200);
        assertEquals(
                "the server at " + URL + " answered 502 from something that is not Keel: " + shown + "…"
                        + " (check that the URL points at a Keel server and, behind a proxy, that the Keel server runs)",
                e.getMessage());
    }

    @Test
    void aForeignNotFoundIsNeverAMissingObject() {
        assertEquals(
                ErrorCode.ENDPOINT_NOT_FOUND,
                ServerErrors.decode(URL, 404, null, utf8("Not Found")).code());
        assertEquals(
                ErrorCode.ENDPOINT_NOT_FOUND,
                ServerErrors.decode(URL, 404, null, utf8("{\"error\": \"no route\"}"))
                        .code());
        assertEquals(
                ErrorCode.ENDPOINT_NOT_FOUND,
                ServerErrors.decode(URL, 404, "SOMETHING_ELSE", utf8("{\"error_code\": \"NoSuchKey\"}"))
                        .code());
    }
}
