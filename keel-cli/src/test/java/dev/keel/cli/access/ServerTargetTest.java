package dev.keel.cli.access;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerTargetTest {
    @TempDir
    Path home;

    @Test
    void urlFromArgumentElseEnvironment() {
        assertEquals(
                "http://a:1",
                ServerTarget.resolve("http://a:1/", Map.of("KEEL_URL", "http://b:2"), home)
                        .url());
        assertEquals(
                "http://b:2",
                ServerTarget.resolve(null, Map.of("KEEL_URL", "http://b:2"), home)
                        .url());
        KeelException none = assertThrows(KeelException.class, () -> ServerTarget.resolve(null, Map.of(), home));
        assertTrue(none.getMessage().contains("KEEL_URL"), none.getMessage());
        assertThrows(KeelException.class, () -> ServerTarget.resolve("ftp://x", Map.of(), home));
    }

    @Test
    void keyFromEnvironmentElseSavedCredentials() throws Exception {
        Files.createDirectories(home.resolve(".keel"));
        Files.writeString(
                home.resolve(".keel/credentials.json"),
                "{\"servers\": {\"http://a:1\": {\"user\": \"ada\", \"api_key\": \"saved\"}}}");
        assertEquals(
                "env",
                ServerTarget.resolve("http://a:1", Map.of("KEEL_API_KEY", "env"), home)
                        .apiKey());
        assertEquals("saved", ServerTarget.resolve("http://a:1", Map.of(), home).apiKey());
        assertNull(ServerTarget.resolve("http://other:1", Map.of(), home).apiKey());
        Files.writeString(home.resolve(".keel/credentials.json"), "{broken");
        KeelException bad = assertThrows(KeelException.class, () -> ServerTarget.resolve("http://a:1", Map.of(), home));
        assertTrue(bad.getMessage().contains("keel login"), bad.getMessage());
    }
}
