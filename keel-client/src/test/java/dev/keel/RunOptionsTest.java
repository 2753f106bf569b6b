package dev.keel;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link RunOptions.Builder#build()} refuses a bad option at once, naming it and the fix. */
class RunOptionsTest {

    private static String refused(RunOptions.Builder builder) {
        KeelException e = assertThrows(KeelException.class, builder::build);
        assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
        return e.getMessage();
    }

    @Test
    void theDefaultsBuild() {
        RunOptions options = RunOptions.builder().build();
        assertEquals("default", options.project());
    }

    @Test
    void aBlankProjectIsRefused() {
        assertEquals(
                "project(\" \") is blank: name the project, e.g. project(\"apparel-classifier\"), "
                        + "or leave it unset for \"default\"",
                refused(RunOptions.builder().project(" ")));
        assertEquals(
                "project(null) is blank: name the project, e.g. project(\"apparel-classifier\"), "
                        + "or leave it unset for \"default\"",
                refused(RunOptions.builder().project(null)));
    }

    @Test
    void aProjectThatCannotBeAServerPathIsRefused() {
        assertEquals(
                "project(\"vision/mlp\") is not a project name: use 1-256 printable characters without "
                        + "'/' or '\\', other than \".\" or \"..\", e.g. project(\"vision-mlp\")",
                refused(RunOptions.builder().project("vision/mlp")));
        assertEquals(
                "project(\"..\") is not a project name: use 1-256 printable characters without "
                        + "'/' or '\\', other than \".\" or \"..\", e.g. project(\"vision-mlp\")",
                refused(RunOptions.builder().project("..")));
        assertEquals(
                "project(\"a?b\") is not a project name: use 1-256 printable characters without "
                        + "'/' or '\\', other than \".\" or \"..\", e.g. project(\"vision-mlp\")",
                refused(RunOptions.builder().project("a\tb")));
        assertEquals(
                "project(\"" + "p".repeat(257) + "\") is not a project name: use 1-256 printable characters "
                        + "without '/' or '\\', other than \".\" or \"..\", e.g. project(\"vision-mlp\")",
                refused(RunOptions.builder().project("p".repeat(257))));
    }

    @Test
    void aQueueThatHoldsNothingOrTooMuchIsRefused() {
        assertEquals(
                "queueCapacity(0) is out of range: the queue holds 1 to 16777216 points; " + "leave it unset for 65536",
                refused(RunOptions.builder().queueCapacity(0)));
        assertEquals(
                "queueCapacity(2147483647) is out of range: the queue holds 1 to 16777216 points; "
                        + "leave it unset for 65536",
                refused(RunOptions.builder().queueCapacity(Integer.MAX_VALUE)));
    }

    @Test
    void aMissingOrNonPositiveIntervalIsRefused() {
        assertEquals(
                "flushInterval(PT0S) must be positive: e.g. flushInterval(Duration.ofSeconds(1)), " + "the default",
                refused(RunOptions.builder().flushInterval(Duration.ZERO)));
        assertEquals(
                "flushInterval(null) must be positive: e.g. flushInterval(Duration.ofSeconds(1)), " + "the default",
                refused(RunOptions.builder().flushInterval(null)));
        assertEquals(
                "systemMetricsInterval(PT-1S) must be positive: e.g. "
                        + "systemMetricsInterval(Duration.ofSeconds(2)), the default; systemMetrics(false) turns them off",
                refused(RunOptions.builder().systemMetricsInterval(Duration.ofSeconds(-1))));
    }

    @Test
    void aResumeIdThatIsNotARunIdIsRefused() {
        assertEquals(
                "resume(\"6V8M5W0S\") is not a run id: run ids are 8 characters of a-z and 0-9, "
                        + "e.g. 6v8m5w0s; 'keel runs' lists them",
                refused(RunOptions.builder().resume("6V8M5W0S")));
    }

    @Test
    void aServerThatIsNotAnHttpUrlIsRefused() {
        assertEquals(
                "server(\"localhost:7080\") is not an http(s) URL: write it as e.g. http://localhost:7080, "
                        + "or leave it unset to use KEEL_URL",
                refused(RunOptions.builder().server("localhost:7080")));
        assertEquals(
                "server(\"http://\") is not an http(s) URL: write it as e.g. http://localhost:7080, "
                        + "or leave it unset to use KEEL_URL",
                refused(RunOptions.builder().server("http://")));
        assertEquals(
                "https://keel.example.com/",
                RunOptions.builder().server("https://keel.example.com/").build().server());
        assertEquals("", RunOptions.builder().server("").build().server(), "blank: KEEL_URL, as unset");
    }

    @Test
    void anOverrideThatIsNotKeyEqualsValueIsRefused() {
        assertEquals(
                "override(\"epochs\") is not key=value: write it as e.g. epochs=3 or optimizer.lr=0.001",
                refused(RunOptions.builder().override("epochs=3", "epochs")));
        assertEquals(
                "override(null) is not key=value: write it as e.g. epochs=3 or optimizer.lr=0.001",
                refused(RunOptions.builder().override((String) null)));
    }

    @Test
    void aNullConfigSourceIsRefused() {
        String message = "a config source is null: pass config(map), config(pojoOrRecord) or "
                + "configFile(Path.of(\"mlp.yaml\"))";
        assertEquals(message, refused(RunOptions.builder().config((Object) null)));
        assertEquals(message, refused(RunOptions.builder().configFile(null)));
    }
}
