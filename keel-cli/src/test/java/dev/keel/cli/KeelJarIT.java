package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the shaded jar the launcher runs, as a real process (failsafe runs this after {@code package}). */
class KeelJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    record Proc(int code, String out, String err) {}

    private Proc keel(Path home, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("keel.jar", "target/keel.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the shaded jar should exist after package: " + jar.toAbsolutePath());
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-jar",
                jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(work.toFile())
                .redirectOutput(work.resolve("out.txt").toFile())
                .redirectError(work.resolve("err.txt").toFile());
        pb.environment().put("KEEL_HOME", home.toString());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().remove("COLUMNS");
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keel " + String.join(" ", args) + " did not finish");
        return new Proc(
                p.exitValue(),
                Files.readString(work.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(work.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void pyTorchStartsOfflineFromTheJarsClassPathWithAnEmptyEngineCache() throws Exception {
        // PyTorch's native libraries are not inside keel.jar: its manifest names lib/ beside it,
        // and DJL, offline, must find and unpack them from there on a machine that has none yet.
        Path jar = Path.of(System.getProperty("keel.jar", "target/keel.jar")).toAbsolutePath();
        Path probe = Path.of(PyTorchProbe.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path cache = work.resolve("djl-cache");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dai.djl.offline=true",
                        "-cp",
                        jar + File.pathSeparator + probe,
                        PyTorchProbe.class.getName())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("probe.txt").toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().put("DJL_CACHE_DIR", cache.toString());
        pb.environment().put("ENGINE_CACHE_DIR", cache.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the probe did not finish");
        String out = Files.readString(work.resolve("probe.txt"), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("PYTORCH 2.7.1 6.0"), out);
        assertTrue(
                Files.size(jar) < 100L << 20,
                "keel.jar should not carry PyTorch's native libraries: " + Files.size(jar));
    }

    @Test
    void runsAsJsonFromTheJarPrintsOnlyJsonOnStdout() throws Exception {
        Path home = work.resolve("store");
        Fixtures.seed(home);
        Proc r = keel(home, "runs", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode runs = JSON.readTree(r.out());
        assertEquals(3, runs.size());
        assertEquals("cccc3333", runs.get(0).get("id").asText());
        assertEquals("crashed", runs.get(0).get("state").asText());
        assertEquals("NaN", runs.get(1).get("summary").get("val_loss").asText());
    }

    @Test
    void unknownRunExitsWithOneAndNamesTheStore() throws Exception {
        Path home = work.resolve("store");
        Fixtures.seed(home);
        Proc r = keel(home, "run", "show", "nosuchid");
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("no run with id 'nosuchid' in " + home), r.err());
    }

    @Test
    void badFilterExitsWithTwo() throws Exception {
        Proc r = keel(work.resolve("empty"), "runs", "--filter", "state ==");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("invalid filter"), r.err());
    }

    @Test
    void uiFromTheJarServesTheStoreUntilSigterm() throws Exception {
        Path home = work.resolve("store");
        Fixtures.seed(home);
        Path jar = Path.of(System.getProperty("keel.jar", "target/keel.jar")).toAbsolutePath();
        Path out = work.resolve("ui.txt");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "ui",
                        "--port",
                        "0",
                        "--home",
                        home.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            Matcher url = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && p.isAlive()) {
                url = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)").matcher(Files.readString(out));
                if (url.find()) {
                    break;
                }
                url = null;
                Thread.sleep(50);
            }
            assertTrue(url != null, "keel ui printed no URL: " + Files.readString(out));
            var http = HttpClient.newHttpClient();
            var runs = http.send(
                    HttpRequest.newBuilder(URI.create(url.group(1) + "/api/v1/projects"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, runs.statusCode(), runs.body());
            assertTrue(runs.body().contains("\"name\":\"mnist\",\"run_count\":2"), runs.body());
            var doc = http.send(
                    HttpRequest.newBuilder(URI.create(url.group(1) + "/api/v1/openapi.json"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(doc.body().contains("\"openapi\":\"3.0.3\""), doc.body());
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "keel ui ignored SIGTERM");
            assertEquals(143, p.exitValue());
            assertTrue(Files.readString(out).contains("keel: stopped"), Files.readString(out));
        } finally {
            p.destroyForcibly();
        }
    }
}
