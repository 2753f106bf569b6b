package dev.keel.cli;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keel model …} with KEEL_URL: the registry is the server's. A run synced to a real server
 * holds a 100 MB file; registering it there stores no second copy of its bytes, and pulling the
 * version through an alias writes them back.
 */
class RemoteModelCliTest {
    @TempDir
    Path dir;

    @Test
    void aHundredMegabyteVersionIsRegisteredOnTheServerWithoutASecondCopyAndPulledThroughItsAlias() throws IOException {
        Path local = dir.resolve("local");
        Path big = dir.resolve("model.bin");
        byte[] chunk = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(big)) {
            for (int i = 0; i < 100; i++) {
                chunk[0] = (byte) i;
                o.write(chunk);
            }
        }
        String id;
        try (Run run = Keel.init(RunOptions.builder()
                .project("shop")
                .home(local)
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            run.logArtifact("model", big);
            run.summary().put("test_accuracy", 0.9);
            id = run.id();
        }
        try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
            Cli.Result sync = new Cli(local).run("sync", "--url", server.url());
            assertEquals(0, sync.code(), sync.err());
            System.setProperty("keel.url", server.url());
            try {
                long before = bytesUnder(server.home.blobs());
                assertTrue(before >= 100L << 20, "the server holds the run's bytes: " + before);
                Cli.Result reg = model("register", "big", "--run", id, "--path", "model");
                assertEquals(0, reg.code(), reg.err());
                assertEquals("big:v1\n", reg.out());
                assertEquals(before, bytesUnder(server.home.blobs()), "no second copy of the bytes");

                Cli.Result refused = model("alias", "big@production", "v1", "--require", "test_accuracy >= 0.95");
                assertTrue(
                        refused.err()
                                .contains(
                                        "refused: big:v1 has test_accuracy = 0.9, the gate needs test_accuracy >= 0.95"),
                        refused.err());
                Cli.Result alias = model("alias", "big@production", "v1", "--require", "test_accuracy >= 0.88");
                assertEquals(0, alias.code(), alias.err());
                Path out = dir.resolve("pulled");
                Cli.Result pull = model("pull", "big@production", out.toString());
                assertEquals(0, pull.code(), pull.err());
                assertArrayEquals(Files.readAllBytes(big), Files.readAllBytes(out.resolve("model")));
                Cli.Result ls = model("ls", "--format", "csv");
                assertEquals(0, ls.code(), ls.err());
                assertTrue(ls.out().contains("big"), ls.out());
                assertTrue(Files.notExists(dir.resolve("elsewhere").resolve("keel.db")), "nothing recorded locally");
            } finally {
                System.clearProperty("keel.url");
            }
        }
    }

    @Test
    void aModelIsRenamedAndDescribedOnTheServerKeepingItsAliases() throws IOException {
        Path local = dir.resolve("local");
        String id;
        try (Run run = Keel.init(RunOptions.builder()
                .project("shop")
                .home(local)
                .systemMetrics(false)
                .captureConsole(false)
                .build())) {
            run.logArtifact("model", Files.write(dir.resolve("model.bin"), new byte[] {7, 8, 9}));
            id = run.id();
        }
        try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
            assertEquals(0, new Cli(local).run("sync", "--url", server.url()).code());
            System.setProperty("keel.url", server.url());
            try {
                assertEquals(
                        0,
                        model("register", "shirts", "--run", id, "--path", "model")
                                .code());
                assertEquals(
                        0,
                        model("register", "shoes", "--run", id, "--path", "model")
                                .code());
                assertEquals(0, model("alias", "shirts@production", "v1").code());

                Cli.Result taken = model("rename", "shirts", "shoes");
                assertTrue(taken.code() != 0, taken.out());
                assertTrue(
                        taken.err().contains("a model named shoes already exists: choose another name"), taken.err());

                Cli.Result renamed = model("rename", "shirts", "garments");
                assertEquals(0, renamed.code(), renamed.err());
                assertEquals("renamed model shirts to garments\n", renamed.out());
                Cli.Result described = model("describe", "garments", "classifies clothes");
                assertEquals("described model garments\n", described.out(), described.err());
                Cli.Result version = model("describe", "garments@production", "the baseline");
                assertEquals("described garments:v1\n", version.out(), version.err());

                Cli.Result show = model("show", "garments@production", "--format", "json");
                assertEquals(0, show.code(), show.err());
                assertTrue(
                        show.out().contains("\"description\" : \"the baseline\"")
                                || show.out().contains("\"description\":\"the baseline\""),
                        show.out());
                Cli.Result gone = model("show", "shirts@production");
                assertTrue(gone.err().contains("no model named 'shirts'"), gone.err());
                Cli.Result ls = model("ls", "--format", "json");
                assertTrue(ls.out().contains("classifies clothes"), ls.out());
            } finally {
                System.clearProperty("keel.url");
            }
        }
    }

    /** {@code keel model SUB --home ELSEWHERE ARGS…}: an empty local folder, so what it reads is the server's. */
    private Cli.Result model(String sub, String... args) {
        List<String> all = new ArrayList<>(
                List.of("model", sub, "--home", dir.resolve("elsewhere").toString()));
        all.addAll(List.of(args));
        return Cli.execute("", all.toArray(String[]::new));
    }

    private static long bytesUnder(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }
}
