package dev.keel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keel demo} ends by serving the dashboard until it is stopped (Ctrl-C), and
 * prints the page to open; {@code --no-ui} ends after the table. The CLI runs in a child JVM, on
 * the quick demo's three runs.
 */
class DemoDashboardTest {
    private static final Pattern DASHBOARD = Pattern.compile("Dashboard: (http://127\\.0\\.0\\.1:\\d+)(/\\S*)");
    private static final Pattern RUN_SHOW = Pattern.compile("keel run show (\\w+)");

    @TempDir
    Path home;

    @Test
    void theDemoServesTheDashboardAtThePrintedPageUntilItIsStopped() throws Exception {
        Process demo = start("demo", "--quick", "--port", "0");
        List<String> lines = read(demo);
        Matcher url = await(lines, DASHBOARD, demo);
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(200, get(http, url.group(1) + url.group(2)), url.group());
        assertEquals("/projects/demo", url.group(2));
        Matcher run = await(lines, RUN_SHOW, demo);
        assertEquals(200, get(http, url.group(1) + "/runs/" + run.group(1)), "the run's page");

        // Ctrl-C: SIGINT (not Process.destroy, which also closes this side's pipe). A process
        // started with SIGINT ignored (a build run in the background of a script, or under
        // nohup) keeps ignoring it, as it should: it is then stopped as a service is, by SIGTERM.
        String signal = ignoresSigint(demo.pid()) ? "-TERM" : "-INT";
        assertEquals(
                0,
                new ProcessBuilder("kill", signal, Long.toString(demo.pid()))
                        .start()
                        .waitFor());
        assertTrue(demo.waitFor(30, TimeUnit.SECONDS), "the demo ends when stopped: " + lines);
        readers.get(demo).join(10_000); // its last lines
        synchronized (lines) {
            assertTrue(lines.contains("keel: stopped"), "exit " + demo.exitValue() + ": " + lines);
        }
    }

    @Test
    void noUiEndsAfterTheTable() throws Exception {
        Process demo = start("demo", "--quick", "--no-ui");
        List<String> lines = read(demo);
        assertTrue(demo.waitFor(120, TimeUnit.SECONDS), "ends by itself: " + lines);
        assertEquals(0, demo.exitValue(), lines.toString());
        synchronized (lines) {
            assertTrue(lines.stream().anyMatch(l -> l.contains("3 runs recorded")), lines.toString());
            assertFalse(lines.stream().anyMatch(l -> l.contains("Dashboard:")), lines.toString());
        }
    }

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(ChildJvm.command(Main.class));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--home", home.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("KEEL_HOME");
        return pb.start();
    }

    private final Map<Process, Thread> readers = new HashMap<>();

    private List<String> read(Process p) {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread t = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String l; (l = r.readLine()) != null; ) {
                            lines.add(l);
                        }
                    } catch (IOException ignored) {
                        // the demo ended
                    }
                },
                "demo-output");
        t.setDaemon(true);
        t.start();
        readers.put(p, t);
        return lines;
    }

    private static Matcher await(List<String> lines, Pattern pattern, Process p) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            synchronized (lines) {
                for (String l : lines) {
                    Matcher m = pattern.matcher(l);
                    if (m.find()) {
                        return m;
                    }
                }
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("no line matching " + pattern + ": " + lines);
    }

    private static int get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** Whether the process was started with SIGINT ignored (Linux: bit 2 of SigIgn in its status). */
    private static boolean ignoresSigint(long pid) throws Exception {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0;
            }
        }
        return false;
    }
}
