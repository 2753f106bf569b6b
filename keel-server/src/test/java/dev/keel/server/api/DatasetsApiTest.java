package dev.keel.server.api;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.BlobStore;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.core.store.Stores;
import dev.keel.data.AddOptions;
import dev.keel.data.DataRemote;
import dev.keel.data.Datasets;
import dev.keel.data.LinkMode;
import dev.keel.data.TransferResult;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Datasets over HTTP: push from one Keel folder, read through the routes, pull into another. */
class DatasetsApiTest {
    @TempDir
    Path dir;

    static void writeTree(Path root, int files, int size, long seed) throws IOException {
        Random r = new Random(seed);
        for (int i = 0; i < files; i++) {
            byte[] b = new byte[size + i];
            r.nextBytes(b);
            Path p = root.resolve("class" + (i % 3)).resolve("img" + i + ".bin");
            Files.createDirectories(p.getParent());
            Files.write(p, b);
        }
    }

    @Test
    void pushReadPullRoundTrip() throws IOException {
        Path src = dir.resolve("src");
        writeTree(src, 30, 1000, 1);
        Files.write(
                src.resolve("big.bin"),
                new Random(2)
                        .ints(400_000)
                        .collect(ByteArrayOutputStream::new, (o, i) -> o.write(i), (a, b) -> {})
                        .toByteArray());
        KeelHome laptop = new KeelHome(dir.resolve("laptop"));
        KeelHome other = new KeelHome(dir.resolve("other"));
        try (ServerFixture f = new ServerFixture(dir.resolve("server"));
                Datasets local = Datasets.open(laptop);
                Datasets there = Datasets.open(other)) {
            DataRemote remote = DataRemote.connect(f.server.url(), null);
            local.add("mnist", src, AddOptions.defaults().message("first"));
            TransferResult first = local.push("mnist", remote);
            assertTrue(first.created());
            assertEquals("mnist:v1", first.ref());
            assertTrue(first.objectsSent() > 31, first.toString());
            TransferResult again = local.push("mnist:v1", remote);
            assertFalse(again.created());
            assertEquals(0, again.objectsSent());

            Files.writeString(src.resolve("class0/img0.bin"), "changed");
            Files.writeString(src.resolve("new.txt"), "new file");
            Files.delete(src.resolve("class1/img1.bin"));
            local.add("mnist", src, AddOptions.defaults().message("second"));
            TransferResult second = local.push("mnist", remote);
            assertEquals("mnist:v2", second.ref());
            assertEquals(2, second.objectsSent(), "only the changed and the new file travel");

            var list = f.get("/api/v1/datasets");
            assertEquals(200, list.status(), list.body());
            Map<?, ?> d = (Map<?, ?>) ((List<?>) list.json().get("datasets")).get(0);
            assertEquals("mnist", d.get("name"));
            assertEquals(2L, d.get("versions"));
            assertEquals("private", d.get("visibility"));
            assertEquals("mnist:v2", ((Map<?, ?>) d.get("latest")).get("ref"));

            f.send("PUT", "/api/v1/datasets/mnist/tags/prod", "{\"ref\": \"v1\"}");
            var one = f.get("/api/v1/datasets/mnist").json();
            assertEquals(Map.of("prod", 1L), one.get("tags"));
            List<?> versions = (List<?>) one.get("versions");
            assertEquals("first", ((Map<?, ?>) versions.get(0)).get("message"));
            assertEquals(1L, ((Map<?, ?>) versions.get(1)).get("parent"));

            var files = f.get("/api/v1/datasets/mnist/versions/prod/files?prefix=class0/&limit=3&offset=1")
                    .json();
            assertEquals(10L, files.get("total"));
            assertEquals(3, ((List<?>) files.get("files")).size());
            assertTrue(((Map<?, ?>) ((List<?>) files.get("files")).get(0))
                    .get("hash")
                    .toString()
                    .startsWith("sha256:"));

            var diff = f.get("/api/v1/datasets/mnist/diff?from=v1&to=v2").json();
            assertEquals(List.of(Map.of("path", "new.txt", "size", 8L)), diff.get("added"));
            assertEquals("class1/img1.bin", ((Map<?, ?>) ((List<?>) diff.get("removed")).get(0)).get("path"));
            assertEquals(
                    Map.of("path", "class0/img0.bin", "old_size", 1000L, "new_size", 7L),
                    ((List<?>) diff.get("modified")).get(0));

            TransferResult pulled = there.pull("mnist:prod", remote);
            assertEquals("mnist:v1", pulled.ref());
            assertEquals(first.hash(), pulled.hash());
            TransferResult pulled2 = there.pull("mnist", remote);
            assertEquals(first.objectsSent(), pulled.objectsSent());
            assertEquals(2, pulled2.objectsSent(), "v2 needs only the two objects v1 lacks: " + pulled2);
            assertEquals(0, there.pull("mnist", remote).objectsSent());
            Path out = dir.resolve("checkout");
            there.checkout("mnist:latest", out, LinkMode.COPY);
            assertArrayEquals(Files.readAllBytes(src.resolve("big.bin")), Files.readAllBytes(out.resolve("big.bin")));
            assertEquals("changed", Files.readString(out.resolve("class0/img0.bin")));
            assertFalse(Files.exists(out.resolve("class1/img1.bin")));
            assertTrue(there.verify(null).damaged().isEmpty());
        }
    }

    /** A blob store that is not a folder (as an S3 bucket is not): uploads then carry their pack's hash. */
    record Delegating(LocalBlobStore inner, AtomicInteger withHash) implements BlobStore {
        @Override
        public String put(InputStream in) throws IOException {
            return inner.put(in);
        }

        @Override
        public String put(InputStream in, String expected) throws IOException {
            withHash.incrementAndGet();
            return inner.put(in, expected);
        }

        @Override
        public String putFile(Path file) throws IOException {
            return inner.putFile(file);
        }

        @Override
        public boolean has(String hash) {
            return inner.has(hash);
        }

        @Override
        public long size(String hash) {
            return inner.size(hash);
        }

        @Override
        public InputStream open(String hash) throws IOException {
            return inner.open(hash);
        }

        @Override
        public boolean delete(String hash) throws IOException {
            return inner.delete(hash);
        }

        @Override
        public Stream<String> list() throws IOException {
            return inner.list();
        }
    }

    @Test
    void uploadsToABucketLikeStoreCarryTheirHash() throws IOException {
        Path src = dir.resolve("src");
        writeTree(src, 5, 2000, 9);
        KeelHome serverHome = new KeelHome(dir.resolve("server"));
        serverHome.ensureExists();
        var withHash = new AtomicInteger();
        var runs = Stores.open(serverHome.storeLocation());
        var datasets = DatasetStores.open(serverHome.storeLocation());
        try (KeelServer server = KeelServer.builder()
                        .store(runs)
                        .datasets(datasets)
                        .blobs(new Delegating(new LocalBlobStore(serverHome.blobs()), withHash))
                        .closeWithServer(runs)
                        .closeWithServer(datasets)
                        .build()
                        .start();
                Datasets local = Datasets.open(new KeelHome(dir.resolve("laptop")));
                Datasets other = Datasets.open(new KeelHome(dir.resolve("other")))) {
            local.add("tiny", src, AddOptions.defaults());
            DataRemote remote = DataRemote.connect(server.url(), null);
            assertEquals(5, local.push("tiny", remote).objectsSent());
            assertEquals(1, withHash.get(), "the upload went straight to its address");
            assertEquals(5, other.pull("tiny", remote).objectsSent());
        }
    }

    @Test
    void writesCreateUpdateTagAndDelete() throws IOException {
        Path src = dir.resolve("src");
        writeTree(src, 2, 10, 5);
        Path serverHome = dir.resolve("server");
        try (Datasets data = Datasets.open(new KeelHome(serverHome))) {
            data.add("pets", src, AddOptions.defaults());
            Files.writeString(src.resolve("more.txt"), "more");
            data.add("pets", src, AddOptions.defaults());
        }
        try (ServerFixture f = new ServerFixture(serverHome)) {
            var created =
                    f.send("PUT", "/api/v1/datasets/fresh", "{\"description\": \"new\", \"visibility\": \"team\"}");
            assertEquals(201, created.status(), created.body());
            assertEquals("team", created.json().get("visibility"));
            assertEquals(
                    System.getProperty("user.name", "local"), created.json().get("owner"));
            var updated = f.send("PUT", "/api/v1/datasets/fresh", "{\"visibility\": \"public\"}");
            assertEquals(200, updated.status());
            assertEquals("new", updated.json().get("description"));
            assertEquals("public", updated.json().get("visibility"));
            assertEquals(
                    400,
                    f.send("PUT", "/api/v1/datasets/fresh", "{\"visibility\": \"everyone\"}")
                            .status());
            assertEquals(400, f.send("PUT", "/api/v1/datasets/Bad%20Name", "{}").status());

            assertEquals(
                    200,
                    f.send("PUT", "/api/v1/datasets/pets/tags/prod", "{\"ref\": \"v2\"}")
                            .status());
            assertEquals(
                    400,
                    f.send("PUT", "/api/v1/datasets/pets/tags/v7", "{\"ref\": \"v2\"}")
                            .status(),
                    "v<number> is reserved");
            assertEquals(
                    404,
                    f.send("PUT", "/api/v1/datasets/pets/tags/x", "{\"ref\": \"v9\"}")
                            .status());
            assertEquals(
                    204,
                    f.send("DELETE", "/api/v1/datasets/pets/tags/prod", null).status());
            assertEquals(
                    404,
                    f.send("DELETE", "/api/v1/datasets/pets/tags/prod", null).status());

            assertEquals(
                    204,
                    f.send("DELETE", "/api/v1/datasets/pets/versions/v2", null).status());
            assertEquals(404, f.get("/api/v1/datasets/pets/versions/v2").status());
            assertEquals(1L, ((Map<?, ?>) f.get("/api/v1/datasets/pets").json().get("latest")).get("number"));
            assertEquals(400, f.get("/api/v1/datasets/pets/diff").status(), "'from' is required");
            assertEquals(204, f.send("DELETE", "/api/v1/datasets/pets", null).status());
            assertEquals(404, f.get("/api/v1/datasets/pets").status());
            assertEquals(404, f.send("DELETE", "/api/v1/datasets/pets", null).status());
        }
    }

    @Test
    void lineageShowsRunsAndInputs() throws IOException {
        Path src = dir.resolve("src");
        writeTree(src, 3, 100, 3);
        Path serverHome = dir.resolve("server");
        try (Datasets data = Datasets.open(new KeelHome(serverHome))) {
            data.add("tiny", src, AddOptions.defaults());
        }
        String runId;
        try (Run run = Keel.init(RunOptions.builder()
                .project("vision")
                .home(serverHome)
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            run.useDataset("tiny:v1");
            runId = run.id();
        }
        try (ServerFixture f = new ServerFixture(serverHome)) {
            var runs = f.get("/api/v1/datasets/tiny/versions/v1/runs");
            assertEquals(200, runs.status(), runs.body());
            assertEquals(runId, ((Map<?, ?>) ((List<?>) runs.json().get("runs")).get(0)).get("id"));
            var inputs = f.get("/api/v1/runs/" + runId + "/inputs").json();
            Map<?, ?> in = (Map<?, ?>) ((List<?>) inputs.get("inputs")).get(0);
            assertEquals("tiny", in.get("dataset"));
            assertEquals(1L, in.get("version"));
            assertEquals("tiny:v1", in.get("ref"));
        }
    }

    @Test
    void blobsAreScopedToTheirDataset() throws IOException {
        Path src = dir.resolve("src");
        writeTree(src, 2, 5000, 4);
        Path serverHome = dir.resolve("server");
        String hash;
        try (Datasets data = Datasets.open(new KeelHome(serverHome))) {
            data.add("secret", src, AddOptions.defaults());
            hash = data.show("secret:v1").files().get(0).hash();
        }
        try (ServerFixture f = new ServerFixture(serverHome)) {
            f.send("PUT", "/api/v1/datasets/mine", "{\"visibility\": \"public\"}");
            assertEquals(404, f.get("/api/v1/datasets/mine/blobs/" + hash).status(), "knowing a hash grants nothing");
            var fetch = f.send("POST", "/api/v1/datasets/mine/blobs/fetch", "{\"hashes\": [\"" + hash + "\"]}");
            assertEquals(404, fetch.status(), fetch.body());
            var missing = f.send("POST", "/api/v1/datasets/mine/blobs/missing", "{\"hashes\": [\"" + hash + "\"]}");
            assertEquals(List.of(hash), missing.json().get("missing"), "a dataset must upload bytes it does not hold");

            var whole = f.get("/api/v1/datasets/secret/blobs/" + hash);
            assertEquals(200, whole.status());
            assertEquals(
                    "5000", whole.raw().headers().firstValue("Content-Length").orElseThrow());
            var range =
                    f.send(HttpRequest.newBuilder(URI.create(f.server.url() + "/api/v1/datasets/secret/blobs/" + hash))
                            .header("Range", "bytes=100-199")
                            .GET()
                            .build());
            assertEquals(206, range.status());
            assertEquals(
                    "bytes 100-199/5000",
                    range.raw().headers().firstValue("Content-Range").orElseThrow());

            var bad = f.send(HttpRequest.newBuilder(URI.create(f.server.url() + "/api/v1/datasets/mine/blobs"))
                    .POST(HttpRequest.BodyPublishers.ofString("keel-pack 1\n1\n" + hash.substring(7) + " 3\nabc"))
                    .build());
            assertEquals(400, bad.status(), bad.body());
            assertTrue(bad.body().contains("hash to"), bad.body());
            var commit = f.send("POST", "/api/v1/datasets/mine/versions", "{\"manifest\": \"not base64!\"}");
            assertEquals(400, commit.status(), commit.body());
        }
    }
}
