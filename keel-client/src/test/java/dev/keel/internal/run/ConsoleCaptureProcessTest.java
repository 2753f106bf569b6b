package dev.keel.internal.run;

import dev.keel.core.ConsoleLine;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        Child child = Child.start(home, "all", List.of(), null);
        assertEquals(0, child.waitFor(), child.output());
        String id = child.id();
        assertTrue(child.output().contains("native 4\n"), "still shown on the console: " + child.output());
        assertTrue(child.output().contains("partial 6\nafter close\n"), child.output());

        try (Store store = TestRuns.reader(home)) {
            List<ConsoleLine> lines = store.console(id, 0, 0);
            assertEquals(List.of("id " + id, "kept 1", "out 2", "native 4", "kept 5", "partial 6"),
                    texts(lines, "out"), lines.toString());
            assertEquals(List.of("err 3"), texts(lines, "err"), lines.toString());
        }
    }

    @Test
    void afterSigkillThePrintedLinesAreInTheLogAndTheResumedProcessAddsItsOwn() throws Exception {
        Child killed = Child.start(home, "kill", List.of(), null);
        killed.awaitLine("ready");
        String id = killed.id();
        Path log = new KeelHome(home).eventLog(id);
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains("kept 5")) {
            assertTrue(System.currentTimeMillis() < deadline, "the console lines never reached " + log);
            Thread.sleep(50);
        }
        killed.process.destroyForcibly().waitFor();

        Child resumed = Child.start(home, "all", List.of(), id);
        assertEquals(0, resumed.waitFor(), resumed.output());
        assertEquals(id, resumed.id());
        try (Store store = TestRuns.reader(home)) {
            List<ConsoleLine> lines = store.console(id, 0, 0);
            assertEquals(List.of("id " + id, "kept 1", "out 2", "native 4", "kept 5", "ready",
                    "id " + id, "again kept 1", "again out 2", "again native 4", "again kept 5", "again partial 6"),
                    texts(lines, "out"), lines.toString());
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

    /** A {@link ConsoleChildMain} process; its stdout and stderr together, read as they come. */
    private record Child(Process process, StringBuffer all, Thread reader) {
        static Child start(Path home, String mode, List<String> jvmOptions, String resume) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(ChildProcesses.currentJava().toString(), "-Xshare:auto",
                    "-XX:TieredStopAtLevel=1"));
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ConsoleChildMain.class.getName(),
                    home.toString(), mode));
            if (resume != null) {
                cmd.add("again ");
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().remove("KEEL_HOME");
            pb.environment().remove("KEEL_CONSOLE");
            if (resume != null) {
                pb.environment().put("KEEL_RESUME", resume);
            }
            Process p = pb.start();
            StringBuffer all = new StringBuffer();
            Thread reader = new Thread(() -> {
                try {
                    byte[] b = new byte[4096];
                    for (int n; (n = p.getInputStream().read(b)) > 0; ) {
                        all.append(new String(b, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException ignored) {
                    // the child is gone
                }
            }, "console-child-reader");
            reader.setDaemon(true);
            reader.start();
            return new Child(p, all, reader);
        }

        int waitFor() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the child did not end in 60 s; output: " + all);
            }
            reader.join(10_000); // the last bytes
            return process.exitValue();
        }

        void awaitLine(String line) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!all.toString().contains("\n" + line + "\n")) {
                if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                    throw new AssertionError("no '" + line + "' line; output: " + all);
                }
                Thread.sleep(20);
            }
        }

        String output() {
            return all.toString();
        }

        String id() {
            for (String line : all.toString().split("\n")) {
                if (line.startsWith("id ")) {
                    return line.substring(3).trim();
                }
            }
            throw new AssertionError("the child printed no id; output: " + all);
        }
    }
}
