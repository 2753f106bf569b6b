package dev.keel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheCommandTest {
    @TempDir
    Path home;

    @Test
    void showsTheCacheSizeAndCleansItWithoutTouchingRuns() throws Exception {
        Fixtures.seed(home);
        Path cache = home.resolve("cache");
        Files.createDirectories(cache.resolve("entry"));
        Files.write(cache.resolve("entry").resolve("data.bin"), new byte[3 * 1024]);

        Cli cli = new Cli(home);
        Cli.Result shown = cli.run("cache");
        assertEquals(0, shown.code(), shown.err());
        assertEquals(cache + "  3.0 KiB of 10.0 GiB\n", shown.out());

        Cli.Result cleaned = cli.run("cache", "--clean");
        assertEquals(0, cleaned.code(), cleaned.err());
        assertTrue(cleaned.err().contains("removed 1 entry, 3.0 KiB"), cleaned.err());
        assertFalse(Files.exists(cache.resolve("entry")));
        assertEquals(3, RunsCommandTest.ids(cli.run("runs")).size());
    }

    @Test
    void trimAndCleanTogetherIsAUsageError() {
        assertEquals(2, new Cli(home).run("cache", "--trim", "--clean").code());
    }
}
