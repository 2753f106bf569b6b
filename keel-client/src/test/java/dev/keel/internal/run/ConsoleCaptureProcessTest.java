package dev.keel.internal.run;

import dev.keel.core.ConsoleLine;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Console capture in real child JVMs (Linux/macOS: file descriptors 1 and 2 are captured): every
 * line the program printed while its run was live is kept, in order per stream, whatever it
 * printed through; after SIGKILL the lines printed so far are in the log; a resumed run adds its own.
 */
class ConsoleCaptureProcessTest {
    @TempDir
    Path home;

    @Test
    void everyLinePrintedWhileTheRunLivesIsKeptAlsoThroughAStreamTakenBeforeInit() throws Exception {
        ConsoleChild child = ConsoleChild.start(home, "all", List.of(), null);
        assertEquals(0, child.waitFor(), child.output());
        String id = child.id();
        assertTrue(child.output().contains("native 4\n"), "still shown on the console: " + child.output());
        assertTrue(child.output().contains("partial 6\nafter close\n"), child.output());

        try (Store store = TestRuns.reader(home)) {
            List<ConsoleLine> lines = store.console(id, 0, 0);
            assertEquals(
                    List.of("id " + id, "kept 1", "out 2", "native 4", "kept 5", "partial 6"),
                    texts(lines, "out"),
                    lines.toString());
            assertEquals(List.of("err 3"), texts(lines, "err"), lines.toString());
        }
    }

    @Test
    void aProgramThatReturnsWithoutClosingTheRunStillHasItsLastPartialLineKept() throws Exception {
        ConsoleChild child = ConsoleChild.start(home, "return", List.of(), null);
        assertEquals(0, child.waitFor(), child.output());
        String id = child.id();
        assertTrue(child.output().endsWith("partial 6"), child.output());
        try (Store store = TestRuns.reader(home)) {
            List<ConsoleLine> lines = store.console(id, 0, 0);
            assertEquals(
                    List.of("id " + id, "kept 1", "out 2", "native 4", "kept 5", "partial 6"),
                    texts(lines, "out"),
                    lines.toString());
            assertEquals("finished", store.run(id).orElseThrow().state().label());
        }
    }

    @Test
    void afterSigkillThePrintedLinesAreInTheLogAndTheResumedProcessAddsItsOwn() throws Exception {
        ConsoleChild killed = ConsoleChild.start(home, "kill", List.of(), null);
        killed.awaitLine("ready");
        String id = killed.id();
        Path log = new KeelHome(home).eventLog(id);
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains("kept 5")) {
            assertTrue(System.currentTimeMillis() < deadline, "the console lines never reached " + log);
            Thread.sleep(50);
        }
        killed.process().destroyForcibly().waitFor();

        ConsoleChild resumed = ConsoleChild.start(home, "all", List.of(), id);
        assertEquals(0, resumed.waitFor(), resumed.output());
        assertEquals(id, resumed.id());
        try (Store store = TestRuns.reader(home)) {
            List<ConsoleLine> lines = store.console(id, 0, 0);
            assertEquals(
                    List.of(
                            "id " + id,
                            "kept 1",
                            "out 2",
                            "native 4",
                            "kept 5",
                            "ready",
                            "id " + id,
                            "again kept 1",
                            "again out 2",
                            "again native 4",
                            "again kept 5",
                            "again partial 6"),
                    texts(lines, "out"),
                    lines.toString());
            assertEquals(List.of("err 3", "again err 3"), texts(lines, "err"), lines.toString());
            RunInfo run = store.run(id).orElseThrow();
            assertEquals("finished", run.state().label());
        }
    }

    private static List<String> texts(List<ConsoleLine> lines, String stream) {
        List<String> texts = new ArrayList<>();
        for (ConsoleLine l : lines) {
            if (l.stream().equals(stream) && !l.text().startsWith("keel: ")) {
                texts.add(l.text());
            }
        }
        return texts;
    }
}
