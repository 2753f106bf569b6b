package dev.keel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoHintTest {
    @TempDir
    Path home;

    @Test
    void theDemosNextCommandSortsByAColumnTheTableShows() {
        Cli cli = new Cli(home);
        Cli.Result demo = cli.run("demo", "--quick");
        assertEquals(0, demo.code(), demo.err());
        Matcher hint =
                Pattern.compile("keel runs --project (\\S+) --sort -(\\S+)").matcher(demo.err());
        assertTrue(hint.find(), demo.err());
        Cli.Result runs = cli.run("runs", "--project", hint.group(1), "--sort", "-" + hint.group(2));
        assertEquals(0, runs.code(), runs.err());
        String header = runs.out().split("\n")[1];
        assertTrue(header.contains(hint.group(2)), hint.group(2) + " not in " + header);
        assertTrue(demo.out().split("\n")[1].contains(hint.group(2)), demo.out());
    }
}
