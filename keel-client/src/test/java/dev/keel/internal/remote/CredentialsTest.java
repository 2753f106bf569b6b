package dev.keel.internal.remote;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CredentialsTest {
    @TempDir
    Path dir;

    @Test
    void theKeyIsTheOneStoredForTheServersUrl() throws Exception {
        Path file = Files.writeString(dir.resolve("credentials.json"), """
                {"servers": {"http://a.example:7080/": {"user": "ann", "api_key": "key-a"},
                             "http://b.example:7080": {"user": "bob", "api_key": "key-b"}}}
                """);
        assertEquals("key-a", Credentials.fromFile(file, "http://a.example:7080"));
        assertEquals("key-b", Credentials.fromFile(file, "http://b.example:7080/"));
        assertNull(Credentials.fromFile(file, "http://c.example:7080"));
        assertNull(Credentials.fromFile(dir.resolve("missing.json"), "http://a.example:7080"));
        assertNull(
                Credentials.fromFile(Files.writeString(dir.resolve("bad.json"), "{not json"), "http://a.example:7080"));
    }
}
