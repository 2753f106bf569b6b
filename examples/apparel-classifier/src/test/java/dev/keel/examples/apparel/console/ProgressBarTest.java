package dev.keel.examples.apparel.console;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    @Test
    void plainModePrintsWholeLinesWithoutControlCharacters() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(
                "epoch 1/5", 10, "batches", new PrintStream(buf, true, StandardCharsets.UTF_8), false, 0);
        for (int i = 1; i <= 10; i++) {
            bar.update(i, "loss 0.5");
        }
        bar.finish("loss 0.4");
        String out = buf.toString(StandardCharsets.UTF_8);
        String[] lines = out.split("\n");
        assertTrue(lines.length >= 2, out);
        assertTrue(lines[lines.length - 1].startsWith("epoch 1/5 10/10 batches  loss 0.4  "), lines[lines.length - 1]);
        assertTrue(!out.contains("\r") && !out.contains("\033"), "no terminal codes in plain mode");
    }

    @Test
    void terminalModeRedrawsOneLineWithABarAndEta() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(
                "epoch 2/5", 100, "batches", new PrintStream(buf, true, StandardCharsets.UTF_8), true, 5);
        bar.finish("loss 0.3");
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\r\033[2Kepoch 2/5 [========================] 100/100 batches  loss 0.3"), out);
        assertTrue(out.endsWith("\n"));
        assertEquals("1m05s", ProgressBar.formatDuration(65));
    }
}
