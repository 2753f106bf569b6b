package dev.keel.cli.view;

import dev.keel.core.MetricSeries;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals("/usr/bin/java -Dx=1 -cp [2 jars, 1 folder] dev.keel.Main mlp epochs=3",
                CommandLines.shortened(List.of("/usr/bin/java", "-Dx=1", "-cp", cp, "dev.keel.Main", "mlp", "epochs=3")));
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
