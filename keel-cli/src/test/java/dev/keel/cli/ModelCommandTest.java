package dev.keel.cli;

import dev.keel.Checkpoint;
import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.SummaryMode;
import dev.keel.cli.access.DataAccess;
import dev.keel.cli.access.StoreAccess;
import dev.keel.core.Json;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.data.AddOptions;
import dev.keel.data.Datasets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keel model …} in-process over a real Keel folder whose runs, checkpoints and dataset
 * were made through the SDK.
 */
class ModelCommandTest {
    @TempDir
    Path dir;

    private KeelHome home;
    private RunOptions options;

    @BeforeEach
    void setUp() throws IOException {
        home = new KeelHome(dir.resolve("home"));
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "alpha");
        try (Datasets data = Datasets.open(home)) {
            data.add("fashion-mnist", src, AddOptions.defaults());
        }
        options = RunOptions.builder()
                .project("shop")
                .home(home.root())
                .systemMetrics(false)
                .captureConsole(false)
                .build();
    }

    /** Runs {@code keel model SUB --home HOME ARGS…}. */
    private Cli.Result keel(String sub, String... args) {
        List<String> all =
                new ArrayList<>(List.of("model", sub, "--home", home.root().toString()));
        all.addAll(List.of(args));
        return Cli.execute("", all.toArray(String[]::new));
    }

    private Cli.Result ok(String sub, String... args) {
        Cli.Result r = keel(sub, args);
        assertEquals(0, r.code(), r.err());
        return r;
    }

    /** A run with three checkpoints (val_accuracy 0.80, 0.90, 0.85), keeping the last and the best. */
    private String trainedRun(double testAccuracy, List<Checkpoint> saved) {
        try (Run run = Keel.init(options)) {
            run.useDataset("fashion-mnist:v1");
            run.checkpoints().keepLast(1).keepBest("val_accuracy", SummaryMode.MAX);
            double[] acc = {0.80, 0.90, 0.85};
            for (int epoch = 1; epoch <= 3; epoch++) {
                int e = epoch;
                saved.add(run.checkpoints()
                        .save(
                                epoch,
                                epoch * 10L,
                                Map.of("val_accuracy", acc[epoch - 1]),
                                out -> out.write(("weights of epoch " + e + " " + testAccuracy)
                                        .getBytes(StandardCharsets.UTF_8))));
            }
            run.summary().put("test_accuracy", testAccuracy);
            return run.id();
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> show(String ref) {
        return Json.readMap(ok("show", ref, "--format", "json").out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void registersTheBestCheckpointWithItsLineageAndNumbersVersions() throws IOException {
        List<Checkpoint> saved = new ArrayList<>();
        String runId = trainedRun(0.87, saved);

        assertEquals(
                "apparel:v1\n",
                ok("register", "apparel", "--run", runId, "--checkpoint", "best", "-m", "mlp")
                        .out());
        assertEquals(
                "apparel:v2\n",
                ok("register", "apparel", "--run", runId, "--checkpoint", "last", "--tag", "stage=candidate")
                        .out());
        assertEquals(Map.of("stage", "candidate"), show("apparel:v2").get("tags"));
        ok("tag", "apparel:v2", "stage=", "reviewed=yes");
        assertEquals(Map.of("reviewed", "yes"), show("apparel:v2").get("tags"));

        Map<String, Object> v1 = show("apparel:v1");
        List<Map<String, Object>> files = (List<Map<String, Object>>) v1.get("files");
        assertEquals(1, files.size());
        assertEquals("epoch-00002-step-0000000020.ckpt", files.get(0).get("path"));
        assertEquals(saved.get(1).hash(), files.get(0).get("hash"));
        Map<String, Object> lineage = (Map<String, Object>) v1.get("lineage");
        assertEquals(runId, lineage.get("run"));
        assertEquals(List.of("fashion-mnist:v1"), lineage.get("datasets"));
        assertEquals(0.87, ((Map<String, Object>) lineage.get("metrics")).get("test_accuracy"));
        assertEquals("mlp", v1.get("description"));
        Map<String, Object> latest = show("apparel");
        assertEquals(2L, ((Number) latest.get("version")).longValue());
        assertEquals(
                saved.get(2).hash(),
                ((List<Map<String, Object>>) latest.get("files")).get(0).get("hash"));

        String versions = ok("versions", "apparel").out();
        assertTrue(versions.contains("v1") && versions.contains("v2") && versions.contains(runId), versions);
        List<?> listed = Json.MAPPER.readValue(ok("ls", "--format", "json").out(), List.class);
        assertEquals(1, listed.size());
        assertEquals(2L, ((Number) ((Map<String, Object>) listed.get(0)).get("latest")).longValue());
    }

    @Test
    void anAliasMovesOnlyWhenTheGateHoldsAndProtectsItsVersion() throws IOException {
        String weak = trainedRun(0.85, new ArrayList<>());
        String strong = trainedRun(0.91, new ArrayList<>());
        ok("register", "apparel", "--run", weak);
        ok("register", "apparel", "--run", strong);

        Cli.Result refused = keel("alias", "apparel@production", "v1", "--require", "test_accuracy >= 0.88");
        assertNotEquals(0, refused.code());
        assertTrue(
                refused.err()
                        .contains("refused: apparel:v1 has test_accuracy = 0.85, the gate needs test_accuracy >= 0.88"),
                refused.err());
        assertEquals(
                "apparel@production -> apparel:v2\n",
                ok("alias", "apparel@production", "2", "--require", "test_accuracy >= 0.88", "--by", "ana")
                        .out());

        Cli.Result rm = keel("rm", "apparel:v2");
        assertNotEquals(0, rm.code());
        assertTrue(rm.err().contains("cannot remove apparel:v2: apparel@production points at it"), rm.err());
        assertEquals("removed apparel:v1\n", ok("rm", "apparel:v1").out());
        assertTrue(ok("show", "apparel@production").out().contains("@production new -> v2 by ana"));
    }

    @Test
    void pullWritesTheBytesAndRefusesDamagedOnes() throws IOException {
        List<Checkpoint> saved = new ArrayList<>();
        String runId = trainedRun(0.9, saved);
        ok("register", "apparel", "--run", runId);
        ok("alias", "apparel@production", "1");

        Path out = dir.resolve("weights");
        assertTrue(ok("pull", "apparel@production", out.toString()).out().startsWith("apparel:v1 -> "));
        Path pulled = out.resolve("epoch-00002-step-0000000020.ckpt");
        assertEquals(saved.get(1).hash(), Hashes.of(Files.readAllBytes(pulled)));

        Path blob = new LocalBlobStore(home.blobs()).path(saved.get(1).hash());
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length - 1] ^= 1;
        Files.write(blob, bytes);
        Path again = dir.resolve("again");
        Cli.Result damaged = keel("pull", "apparel@production", again.toString());
        assertNotEquals(0, damaged.code());
        assertTrue(
                damaged.err().contains("cannot pull apparel:v1: its file epoch-00002-step-0000000020.ckpt is damaged"),
                damaged.err());
        assertTrue(damaged.err().contains(saved.get(1).hash()), damaged.err());
        assertTrue(Files.notExists(again.resolve("epoch-00002-step-0000000020.ckpt")));
    }

    @Test
    void aHundredMegabyteFileIsRegisteredWithoutASecondCopy() throws IOException {
        Path big = dir.resolve("model.bin");
        byte[] chunk = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(big)) {
            for (int i = 0; i < 100; i++) {
                chunk[0] = (byte) i;
                o.write(chunk);
            }
        }
        String runId;
        try (Run run = Keel.init(options)) {
            run.logArtifact("model", big);
            runId = run.id();
        }
        long before = blobBytes();
        assertTrue(before >= 100L << 20, "the run holds the bytes: " + before);
        assertEquals(
                "big:v1\n",
                ok("register", "big", "--run", runId, "--path", "model").out());
        assertEquals(before, blobBytes());
        assertEquals(
                Hashes.of(Files.readAllBytes(big)),
                ok("show", "big:v1")
                        .out()
                        .lines()
                        .filter(l -> l.startsWith("  model"))
                        .findFirst()
                        .orElseThrow()
                        .replaceAll(".* ", ""));
    }

    @Test
    void aVersionKeepsItsBytesThroughTheRunsRemovalAndABlobCleanUp() throws IOException {
        List<Checkpoint> saved = new ArrayList<>();
        String runId = trainedRun(0.9, saved);
        ok("register", "apparel", "--run", runId);
        List<String> rm = new ArrayList<>(
                List.of("run", "rm", runId, "--yes", "--home", home.root().toString()));
        Cli.Result removed = Cli.execute("", rm.toArray(String[]::new));
        assertEquals(0, removed.code(), removed.err());
        // what 'keel data gc' keeps, collected with no grace period for young blobs
        try (Datasets data = Datasets.open(home)) {
            data.gc(false, new DataAccess(new StoreAccess(home)).runBlobs(), Duration.ZERO);
        }
        Path out = dir.resolve("out");
        ok("pull", "apparel", out.toString());
        assertEquals(
                saved.get(1).hash(), Hashes.of(Files.readAllBytes(out.resolve("epoch-00002-step-0000000020.ckpt"))));
        assertTrue(
                Files.notExists(
                        new LocalBlobStore(home.blobs()).path(saved.get(2).hash())),
                "the rest was collected");
    }

    @Test
    void badRefsSayWhatIsWrong() {
        String runId = trainedRun(0.9, new ArrayList<>());
        ok("register", "apparel", "--run", runId);
        assertTrue(keel("show", "apparel:3").err().contains("'apparel:3' has version '3': a version is v1, v2…"));
        assertTrue(keel("show", "apparel:v7").err().contains("model apparel has no version v7"));
        assertTrue(keel("pull", "apparel@staging", dir.resolve("x").toString())
                .err()
                .contains("model apparel has no alias 'staging'"));
        assertTrue(keel("show", "shoes").err().contains("no model named 'shoes'"));
        assertTrue(keel("register", "apparel", "--run", "zzzzzzzz").err().contains("no run 'zzzzzzzz'"));
        assertTrue(keel("register", "apparel", "--run", runId, "--checkpoint", "epoch-9.ckpt")
                .err()
                .contains("keeps no file 'epoch-9.ckpt'"));
        assertTrue(keel("rm", "apparel").err().contains("names no version number"));
        assertTrue(keel("alias", "apparel@Prod", "1").err().contains("'Prod' is not an alias"));
    }

    private long blobBytes() throws IOException {
        try (Stream<Path> files = Files.walk(home.blobs())) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }
}
