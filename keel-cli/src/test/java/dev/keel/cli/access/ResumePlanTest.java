package dev.keel.cli.access;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
