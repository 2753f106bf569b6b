package dev.keel.cli.view;

import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunDetailsTextTest {
    @Test
    void numbersShowAsLogged() {
        assertEquals("0.9044", Values.asLogged((double) 0.9044f));
        assertEquals("0.9044074", Values.asLogged(0.9044073820114136));
        assertEquals("5", Values.asLogged(5.0));
        assertEquals("0.1", Values.asLogged(0.1));
        assertEquals("0.30000000000000004", Values.asLogged(0.1 + 0.2));
        assertEquals("NaN", Values.asLogged(Double.NaN));
        assertEquals("adam", Values.asLogged("adam"));
    }

    @Test
    void aSummaryThatIsNotTheLastValueSaysWhatItIs() {
        MetricSeries acc = series(0.8612f, 0.8933f, 0.8922f);
        assertEquals(Optional.of("(max of 3 values logged; last 0.8922)"), SummaryNotes.of((double) 0.8933f, acc));
        assertEquals(Optional.of("(min of 3 values logged; last 0.8922)"), SummaryNotes.of((double) 0.8612f, acc));
        assertEquals(Optional.empty(), SummaryNotes.of((double) 0.8922f, acc));
        assertEquals(Optional.of("(set in the summary; last 0.8922 logged)"), SummaryNotes.of(0.5, acc));
    }

    @Test
    void theClassPathIsCounted() {
        String cp = String.join(File.pathSeparator, "/x/classes", "/m2/a.jar", "/m2/b.jar");
        assertEquals(
                "/usr/bin/java -Dx=1 -cp [2 jars, 1 folder] dev.keel.Main mlp epochs=3",
                CommandLines.shortened(
                        List.of("/usr/bin/java", "-Dx=1", "-cp", cp, "dev.keel.Main", "mlp", "epochs=3")));
    }

    @Test
    void runShowPrintsTheCommandOnceWithItsClassPathCountedAndSizesInBinaryUnits() {
        String cp = String.join(File.pathSeparator, "/m2/a.jar", "/m2/b.jar");
        List<String> argv = List.of("java", "-cp", cp, "Main", "mlp");
        Map<String, Object> provenance = Map.of(
                "command", Map.of("command_line", String.join(" ", argv), "argv", argv),
                "machine", Map.of("memory_bytes", 25_276_194_816L));
        RunInfo run = new RunInfo(
                "abcd1234",
                "p",
                "n",
                "",
                "u",
                List.of(),
                "",
                RunState.FINISHED,
                1,
                1,
                2,
                1,
                "",
                "h",
                1,
                Map.of(),
                Map.of());
        String text = new RunDetails(run, provenance, List.of(), List.of(), List.of()).text(0);
        assertTrue(
                text.contains("command.command_line  java -cp [2 jars] Main mlp   (keel run show --full: all of it)\n"),
                text);
        assertFalse(text.contains("command.argv"), text);
        assertFalse(text.contains("/m2/a.jar"), text);
        assertTrue(text.contains("machine.memory_bytes  23.5 GiB\n"), text);
        String full = new RunDetails(run, provenance, List.of(), List.of(), List.of()).text(0, true);
        assertTrue(full.contains("command.argv") && full.contains("/m2/a.jar"), full);
    }

    @Test
    void aStoppedRunShowsWhyItsSweepStoppedIt() {
        RunInfo run = new RunInfo(
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
                Map.of(
                        RunState.STOP_REASON_KEY,
                        "hyperband: val_loss 0.52 at iteration 3 is worse than the rung's best 1/3"));
        String text = new RunDetails(run, Map.of(), List.of(), List.of(), List.of()).text(0);
        assertTrue(
                text.contains(
                        "State:    stopped (hyperband: val_loss 0.52 at iteration 3 is worse than the rung's best 1/3)\n"),
                text);
    }

    private static MetricSeries series(float... values) {
        double[] v = new double[values.length];
        long[] steps = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            v[i] = values[i];
            steps[i] = i;
        }
        return new MetricSeries("m", steps, v, steps.clone());
    }
}
