package dev.keel.internal.console;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs against the real {@code System.out}/{@code System.err}, swapped for a UTF-8 buffer first so
 * that what the console would show can be asserted as well.
 */
@Isolated
@SuppressWarnings("try") // handles exist only to be closed
class ConsoleCaptureTest {
    private PrintStream savedOut;
    private PrintStream savedErr;
    private final ByteArrayOutputStream shownOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream shownErr = new ByteArrayOutputStream();
    private final ConcurrentLinkedQueue<ConsoleLine> lines = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void useBufferAsConsole() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(shownOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(shownErr, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreConsole() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void linesStillPrintAndReachTheSinkWithTheirStream() {
        PrintStream console = System.out;
        try (ConsoleCapture.Handle h = ConsoleCapture.install(lines::add, StandardCharsets.UTF_8)) {
            System.out.println("epoch 1 loss=0.3");
            System.err.println("warning: slow");
        }
        assertSame(console, System.out, "uninstall restores the original stream");
        assertEquals("epoch 1 loss=0.3\n", shownOut.toString(StandardCharsets.UTF_8));
        assertEquals("warning: slow\n", shownErr.toString(StandardCharsets.UTF_8));
        List<ConsoleLine> got = new ArrayList<>(lines);
        assertEquals(2, got.size());
        assertEquals("out", got.get(0).stream());
        assertEquals("epoch 1 loss=0.3", got.get(0).text());
        assertEquals("err", got.get(1).stream());
        assertEquals("warning: slow", got.get(1).text());
        assertTrue(got.get(0).epochMillis() > 0 && got.get(0).epochMillis() <= System.currentTimeMillis());
    }

    @Test
    void wrapModeDoesNotSeeAStreamObtainedBeforeInstallation() {
        PrintStream kept = System.out;
        try (ConsoleCapture.Handle h = ConsoleCapture.install(lines::add, StandardCharsets.UTF_8)) {
            kept.println("from a kept stream");
            System.out.println("from System.out");
        }
        assertEquals(List.of("from System.out"), texts());
        assertEquals("from a kept stream\nfrom System.out\n", shownOut.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unicodeAndCrLfAndPartialLines() {
        try (ConsoleCapture.Handle h = ConsoleCapture.install(lines::add, StandardCharsets.UTF_8)) {
            System.out.println("größe → 漢字 🚀");
            System.out.print("windows line\r\n");
            System.out.print("part ");
            System.out.print("one");
            assertEquals(2, lines.size(), "a partial line waits for its end");
            System.out.println(" done");
            System.out.print("progress 50%");
            System.out.flush();
            System.out.print("left pending at close");
        }
        assertEquals(
                List.of("größe → 漢字 🚀", "windows line", "part one done", "progress 50%", "left pending at close"),
                texts());
    }

    @Test
    void veryLongLinesAreCutWithAMarker() {
        String longLine = "x".repeat(ConsoleCapture.MAX_LINE_BYTES + 100);
        try (ConsoleCapture.Handle h = ConsoleCapture.install(lines::add, StandardCharsets.UTF_8)) {
            System.out.println(longLine);
            System.out.println("next");
        }
        List<String> got = texts();
        assertEquals("x".repeat(ConsoleCapture.MAX_LINE_BYTES) + " … [line cut: 100 more bytes]", got.get(0));
        assertEquals("next", got.get(1));
        assertEquals(longLine + "\nnext\n", shownOut.toString(StandardCharsets.UTF_8), "the console shows it all");
    }

    @Test
    void concurrentPrintingKeepsLinesWhole() throws InterruptedException {
        int threads = 4;
        int perThread = 500;
        try (ConsoleCapture.Handle h = ConsoleCapture.install(lines::add, StandardCharsets.UTF_8)) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread w = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        (i % 2 == 0 ? System.out : System.err).println("thread-" + id + " line-" + i + " end");
                    }
                });
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join();
            }
        }
        Set<String> expected = new HashSet<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                expected.add("thread-" + t + " line-" + i + " end");
            }
        }
        assertEquals(threads * perThread, lines.size());
        assertEquals(expected, new HashSet<>(texts()));
    }

    @Test
    void installationIsReferenceCountedAcrossRuns() {
        PrintStream console = System.out;
        List<ConsoleLine> first = new ArrayList<>();
        List<ConsoleLine> second = new ArrayList<>();
        ConsoleCapture.Handle a = ConsoleCapture.install(first::add, StandardCharsets.UTF_8);
        PrintStream tee = System.out;
        ConsoleCapture.Handle b = ConsoleCapture.install(second::add, StandardCharsets.UTF_8);
        assertSame(tee, System.out, "a second installation reuses the tee");
        System.out.println("both");
        a.close();
        a.close();
        assertSame(tee, System.out, "still installed for the second run");
        System.out.println("second only");
        b.close();
        assertSame(console, System.out);
        System.out.println("nobody");
        assertEquals(List.of("both"), first.stream().map(ConsoleLine::text).toList());
        assertEquals(
                List.of("both", "second only"),
                second.stream().map(ConsoleLine::text).toList());
        assertEquals(0, ConsoleCapture.installedSinks());
    }

    @Test
    void aFailingOrPrintingSinkNeverBreaksPrinting() {
        try (ConsoleCapture.Handle bad = ConsoleCapture.install(
                        line -> {
                            throw new IllegalStateException("boom");
                        },
                        StandardCharsets.UTF_8);
                ConsoleCapture.Handle echo = ConsoleCapture.install(
                        line -> System.out.println("echo " + line.text()), StandardCharsets.UTF_8);
                ConsoleCapture.Handle h = ConsoleCapture.install(lines::add, StandardCharsets.UTF_8)) {
            System.out.println("still works");
        }
        assertEquals(List.of("still works"), texts());
        assertEquals("still works\necho still works\n", shownOut.toString(StandardCharsets.UTF_8));
    }

    private List<String> texts() {
        return lines.stream().map(ConsoleLine::text).toList();
    }
}
