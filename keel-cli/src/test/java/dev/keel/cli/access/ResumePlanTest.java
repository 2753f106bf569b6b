package dev.keel.cli.access;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one line {@code keel run resume} prints instead of a command line of kilobytes. */
class ResumePlanTest {
    private static ResumePlan plan(String... command) {
        return new ResumePlan("abcd1234", List.of(command), Path.of("/w"), Map.of());
    }

    @Test
    void theClassPathBecomesACountAndJvmOptionsAnEllipsis() {
        String cp = String.join(File.pathSeparator, "/m2/a.jar", "/m2/b.jar", "target/classes");
        assertEquals(
                "java … (3 class path entries) dev.keel.examples.RunExperiment mlp epochs=3",
                plan(
                                "/usr/lib/jvm/bin/java",
                                "-Dai.djl.offline=true",
                                "-Xmx2g",
                                "--add-opens",
                                "java.base/java.lang=ALL-UNNAMED",
                                "-cp",
                                cp,
                                "dev.keel.examples.RunExperiment",
                                "mlp",
                                "epochs=3")
                        .shortCommand());
    }

    @Test
    void aJarAndAPlainCommandStayAsTheyAre() {
        assertEquals(
                "java … -jar app.jar --fast",
                plan("java", "-Xss1m", "-jar", "app.jar", "--fast").shortCommand());
        assertEquals("java Main x", plan("java", "Main", "x").shortCommand());
        assertEquals(
                "java … (1 class path entry) Main",
                plan("java", "-cp", "a.jar", "Main").shortCommand());
    }

    @Test
    void aRunItsSweepStoppedIsNotResumedAndTheReasonIsSaid() {
        RunInfo stopped = new RunInfo(
                "abcd1234",
                "p",
                "n",
                "",
                "u",
                List.of(),
                "",
                RunState.STOPPED,
                1,
                1,
                2,
                1,
                "sw33p001",
                "h",
                1,
                Map.of(),
                Map.of(RunState.STOP_REASON_KEY, "sweep sw33p001 was canceled"));
        KeelException e = assertThrows(
                KeelException.class,
                () -> ResumePlan.of(new KeelHome(Path.of("/nonexistent/.keel")), stopped, Map.of()));
        assertEquals(
                "cannot resume run abcd1234: its sweep stopped it early (sweep sw33p001 was canceled); start a new"
                        + " run instead",
                e.getMessage());
    }
}
