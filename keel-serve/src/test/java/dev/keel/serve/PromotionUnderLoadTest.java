package dev.keel.serve;

import dev.keel.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real serving process under steady load from this one while the alias moves ten times:
 * every request is answered 200, by the version the alias named when it was answered or the one
 * before it, never by anything else.
 */
class PromotionUnderLoadTest {
    @TempDir
    Path tmp;

    @Test
    void tenPromotionsUnderLoadDropNoRequest() throws Exception {
        Path home = tmp.resolve("keel");
        try (TinyModels models = new TinyModels(home)) {
            for (int v = 1; v <= 11; v++) {
                models.register(v);
            }
            models.alias("production", 1);
            Process child = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Dai.djl.offline=true",
                            "-Djava.awt.headless=true",
                            "-cp",
                            System.getProperty("java.class.path"),
                            ServeChild.class.getName(),
                            home.toString(),
                            "tiny@production")
                    .redirectError(tmp.resolve("child.err").toFile())
                    .start();
            try {
                int port = port(child);
                HttpClient http = HttpClient.newHttpClient();
                URI predict = URI.create("http://127.0.0.1:" + port + "/v1/models/tiny:predict");
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong ok = new AtomicLong();
                List<String> failures = new ArrayList<>();
                Map<String, Boolean> versionsSeen = new ConcurrentHashMap<>();
                List<Thread> load = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Thread t = new Thread(() -> {
                        while (!stop.get()) {
                            try {
                                HttpResponse<String> r = http.send(
                                        HttpRequest.newBuilder(predict)
                                                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[16]))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                                Map<String, Object> a = Json.readMap(r.body());
                                String version = String.valueOf(a.get("model_version"));
                                int n = Integer.parseInt(version.substring("tiny:v".length()));
                                if (r.statusCode() != 200 || !TinyModels.CLASSES[n % 3].equals(a.get("class"))) {
                                    synchronized (failures) {
                                        failures.add(r.statusCode() + " " + r.body());
                                    }
                                } else {
                                    ok.incrementAndGet();
                                    versionsSeen.put(version, true);
                                }
                            } catch (Exception e) {
                                synchronized (failures) {
                                    failures.add(e.toString());
                                }
                            }
                        }
                    });
                    t.start();
                    load.add(t);
                }
                for (int v = 2; v <= 11; v++) {
                    long before = ok.get();
                    models.alias("production", v);
                    awaitServing(http, port, "tiny:v" + v, child);
                    // the new version must have answered requests under load before the next move
                    long target = ok.get() + 20;
                    while (ok.get() < target || ok.get() < before + 20) {
                        Thread.onSpinWait();
                        if (!child.isAlive()) {
                            fail("the serving process died: " + Files.readString(tmp.resolve("child.err")));
                        }
                    }
                }
                stop.set(true);
                for (Thread t : load) {
                    t.join();
                }
                assertEquals(List.of(), failures, "failed requests");
                assertTrue(versionsSeen.containsKey("tiny:v11"), versionsSeen.toString());
                assertTrue(versionsSeen.size() >= 10, versionsSeen.toString());
            } finally {
                child.getOutputStream().close();
                child.waitFor();
            }
        }
    }

    private static int port(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("PORT ")) {
                return Integer.parseInt(line.substring(5).strip());
            }
        }
        throw new AssertionError("the serving process ended without a port");
    }

    private void awaitServing(HttpClient http, int port, String ref, Process child) throws Exception {
        URI model = URI.create("http://127.0.0.1:" + port + "/v1/models/tiny");
        while (true) {
            HttpResponse<String> r =
                    http.send(HttpRequest.newBuilder(model).build(), HttpResponse.BodyHandlers.ofString());
            if (ref.equals(Json.readMap(r.body()).get("ref"))) {
                return;
            }
            if (!child.isAlive()) {
                fail("the serving process died: " + Files.readString(tmp.resolve("child.err")));
            }
            Thread.onSpinWait();
        }
    }
}
