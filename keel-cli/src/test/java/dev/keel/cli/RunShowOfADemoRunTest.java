package dev.keel.cli;

import dev.keel.cli.view.DemoRuns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunShowOfADemoRunTest {
    @TempDir
    static Path home;

    static Cli cli;

    @BeforeAll
    static void record() {
        DemoRuns.record(home);
        cli = new Cli(home);
    }

    @Test
    void numbersShowAsLoggedAndAKeptMaximumSaysSo() {
        Cli.Result r = cli.run("run", "show", "cnn-small");
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.out().matches("(?s).*\n  val_accuracy +0\\.9135  \\(max of 10 values logged; last 0\\.9129\\)\n.*"),
                r.out());
        assertTrue(r.out().matches("(?s).*\n  epoch +10\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\n  test_accuracy +0\\.9087\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\n  dropout +0\\.3\n.*"), r.out());
        assertFalse(r.out().contains("0.9086999893"), r.out());
    }

    @Test
    void theCommandIsPrintedOnceUnlessFull() {
        Cli.Result brief = cli.run("run", "show", "cnn-small");
        assertTrue(brief.out().contains("command.command_line"), brief.out());
        assertFalse(brief.out().contains("command.argv"), brief.out());
        Cli.Result full = cli.run("run", "show", "cnn-small", "--full");
        assertEquals(0, full.code(), full.err());
        assertTrue(full.out().contains("command.argv"), full.out());
    }
}
