package dev.keel.server.api;

import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.blob.Hashes;
import dev.keel.core.filter.FilterParser;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.WriteBatch;
import dev.keel.core.store.wire.BatchBinary;
import dev.keel.core.store.wire.BatchJson;
import dev.keel.core.store.wire.RunJson;
import dev.keel.internal.remote.RemoteStore;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunsWriteApiTest {
    @TempDir
    Path dir;

    private static RunInfo run(String id, String project) {
        long now = System.currentTimeMillis();
        return new RunInfo(
                id,
                project,
                "bold-otter-1",
                "",
                "me",
                List.of("t"),
                "",
                RunState.RUNNING,
                now,
                now,
                0,
                0,
                "",
                "elsewhere",
                1,
                Map.of("lr", 0.1),
                Map.of());
    }

    @Test
    void createsRunsAppliesBatchesOnceAndAnswersTheOffset() {
        try (ServerFixture f = new ServerFixture(dir.resolve("server"));
                RemoteStore remote = new RemoteStore(f.server.url(), null)) {
            remote.createRun(run("abcd1234", "vision"), Map.of("git", Map.of("commit", "c0ffee")));
            KeelException dup =
                    assertThrows(KeelException.class, () -> remote.createRun(run("abcd1234", "vision"), Map.of()));
            assertEquals(KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS, dup.code());
            assertEquals(0, remote.logOffset("abcd1234"));
            assertEquals(2, remote.nextRunOrdinal("vision"));

            WriteBatch b = new WriteBatch();
            b.logOffset = 100;
            b.metrics.add("loss", 0, 1, 0.5);
            b.metrics.add("loss", 1, 2, Double.NaN);
            remote.apply("abcd1234", b);
            remote.apply("abcd1234", b); // a retry: skipped by its offset (the SDK sends BatchBinary bodies)
            WriteBatch asJson = new WriteBatch(); // JSON bodies go on working beside the binary ones
            asJson.logOffset = 50;
            asJson.metrics.add("loss", 9, 3, 1.0);
            var skipped = f.send(
                    "POST",
                    "/api/v1/runs/abcd1234/batches",
                    new String(BatchJson.encode(asJson), StandardCharsets.UTF_8));
            assertEquals(200, skipped.status(), skipped.body());
            assertEquals(100, ((Number) skipped.json().get("log_offset")).longValue());
            assertEquals(100, remote.logOffset("abcd1234"));
            var loss = remote.history("abcd1234", "loss");
            assertArrayEquals(new long[] {0, 1}, loss.steps());
            assertTrue(Double.isNaN(loss.values()[1]));
            assertEquals(Map.of("git", Map.of("commit", "c0ffee")), remote.provenance("abcd1234"));

            assertEquals(
                    List.of("abcd1234"),
                    remote
                            .searchRuns(new RunQuery(
                                    null,
                                    FilterParser.parse("config.lr > 0.05 and tags contains \"t\""),
                                    null,
                                    true,
                                    0,
                                    0))
                            .stream()
                            .map(RunInfo::id)
                            .toList());
            assertEquals(1, remote.countRuns(RunQuery.project("vision")));
            remote.deleteRun("abcd1234");
            assertTrue(remote.run("abcd1234").isEmpty());
        }
    }

    @Test
    void whatTheReadApiShowsTheRemoteStoreReadsBackExactly() {
        RunInfo r = run("abcd1234", "vision");
        RunInfo back = RunJson.fromServer(Json.MAPPER.valueToTree(Views.run(r)));
        assertEquals(r, back);
    }

    @Test
    void runFileContentGoesUpVerifiedAndComesBackStreamed() throws Exception {
        try (ServerFixture f = new ServerFixture(dir.resolve("server"));
                RemoteStore remote = new RemoteStore(f.server.url(), null)) {
            remote.createRun(run("abcd1234", "vision"), Map.of());
            byte[] content = "weights ü".getBytes(StandardCharsets.UTF_8);
            Path file = Files.write(dir.resolve("model.bin"), content);
            String hash = Hashes.of(content);
            assertFalse(remote.hasBlob("abcd1234", hash));

            Path wrong = Files.write(dir.resolve("wrong.bin"), "other".getBytes(StandardCharsets.UTF_8));
            KeelException bad = assertThrows(KeelException.class, () -> remote.putBlob("abcd1234", hash, wrong));
            assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, bad.code());
            assertTrue(bad.getMessage().startsWith("the uploaded content does not hash to " + hash), bad.getMessage());
            assertFalse(remote.hasBlob("abcd1234", hash));
            assertFalse(f.server.context().blobs().has(Hashes.of("other".getBytes(StandardCharsets.UTF_8))));

            remote.putBlob("abcd1234", hash, file);
            assertTrue(remote.hasBlob("abcd1234", hash));
            WriteBatch b = new WriteBatch();
            b.addFile(new RunFile("out/model.bin", hash, content.length, "artifact", 1));
            remote.apply("abcd1234", b);
            Path back = dir.resolve("back/model.bin");
            remote.download("abcd1234", "out/model.bin", back);
            assertArrayEquals(content, Files.readAllBytes(back));
            KeelException missing = assertThrows(KeelException.class, () -> remote.download("abcd1234", "nope", back));
            assertEquals(KeelException.ErrorCode.RESOURCE_DOES_NOT_EXIST, missing.code());
        }
    }

    @Test
    void badInputIsA400NamingTheFieldAndNothingIsStored() {
        try (ServerFixture f = new ServerFixture(dir.resolve("server"));
                RemoteStore remote = new RemoteStore(f.server.url(), null)) {
            remote.createRun(run("abcd1234", "vision"), Map.of());
            String[][] cases = {
                {
                    "{\"log_offset\": 5, \"metrics\": {\"keys\": [\"x\"], \"key\": [0], \"step\": [\"one\"], \"timestamp\": [0], \"value\": [1]}}",
                    "field 'metrics.step[0]' must be a whole number, got \"one\""
                },
                {"{\"summary\": {\"acc\": NaN}}", "the request body is not valid JSON"},
                {
                    "{\"log_offset\": 5, \"metrics\": {\"keys\": [\"x\"], \"key\": [0], \"step\": [1], \"timestamp\": [0], \"value\": [\"Infinity\"]}, \"name\": 7}",
                    "field 'name' must be a string, got 7"
                },
                {"[]", "field 'batch' must be a JSON object, got array"},
                {
                    "{\"summary\": {\"" + "k".repeat(300) + "\": 1}}",
                    "field 'summary' has a key of 300 characters, more than 250"
                },
            };
            for (String[] c : cases) {
                var reply = f.send("POST", "/api/v1/runs/abcd1234/batches", c[0]);
                assertEquals(400, reply.status(), reply.body());
                assertTrue(((String) reply.json().get("message")).startsWith(c[1]), reply.body());
            }
            // the SDK's binary body: cut short, or sent as JSON, it is a 400 and stores nothing
            WriteBatch b = new WriteBatch();
            b.logOffset = 5;
            b.metrics.add("x", 1, 2, 3);
            byte[] binary = BatchBinary.encode(b);
            var cut = f.send(HttpRequest.newBuilder(URI.create(f.server.url() + "/api/v1/runs/abcd1234/batches"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(binary, binary.length - 3)))
                    .header("Content-Type", BatchBinary.MEDIA_TYPE)
                    .build());
            assertEquals(400, cut.status(), cut.body());
            assertTrue(
                    ((String) cut.json().get("message")).contains("1 points cannot fit the 8 bytes left"), cut.body());
            var asJson = f.send(HttpRequest.newBuilder(URI.create(f.server.url() + "/api/v1/runs/abcd1234/batches"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(binary))
                    .header("Content-Type", "application/json")
                    .build());
            assertEquals(400, asJson.status(), asJson.body());
            assertEquals(0, remote.logOffset("abcd1234"));
            assertEquals(List.of(), remote.metricKeys("abcd1234"));
            var badRun = f.send("POST", "/api/v1/projects/vision/runs", "{\"id\": \"abcd1235\", \"name\": 3}");
            assertEquals(400, badRun.status(), badRun.body());
            assertEquals("field 'name' must be a string, got 3", badRun.json().get("message"));
            var unknown = f.send("POST", "/api/v1/runs/zzzz9999/batches", "{}");
            assertEquals(404, unknown.status(), unknown.body());
            var badHash =
                    f.send(HttpRequest.newBuilder(URI.create(f.server.url() + "/api/v1/runs/abcd1234/blobs/sha256:xyz"))
                            .PUT(HttpRequest.BodyPublishers.ofString("x"))
                            .build());
            assertEquals(400, badHash.status(), badHash.body());
        }
    }
}
