package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.core.KeelHome;
import dev.keel.core.RunFile;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.data.Datasets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code keel data …} in-process against a real SQLite store and blob folder in a temp folder. */
class DataCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Path home;
    Path src;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        home = dir.resolve(".keel");
        src = dir.resolve("src");
        Files.createDirectories(src.resolve("cats"));
        Files.writeString(src.resolve("cats/a.txt"), "meow");
        Files.writeString(src.resolve("z.txt"), "zzz");
        cli = new Cli(home);
    }

    /** pets:v1 = {cats/a.txt "meow", z.txt}; pets:v2 = a.txt "meow!", + cats/b.txt, - z.txt. */
    private void twoVersions() throws Exception {
        assertEquals(
                0, cli.run("data", "add", "pets", src.toString(), "-m", "first").code());
        Files.writeString(src.resolve("cats/a.txt"), "meow!");
        Files.writeString(src.resolve("cats/b.txt"), "purr");
        Files.delete(src.resolve("z.txt"));
        assertEquals(
                0,
                cli.run("data", "add", "pets", src.toString(), "-m", "second").code());
    }

    @Test
    void addPrintsTheRefAndTheChangesAndSaysWhenNothingChanged() throws Exception {
        Cli.Result first = cli.run(
                "data",
                "add",
                "pets",
                src.toString(),
                "-m",
                "first",
                "--description",
                "Pet sounds",
                "--visibility",
                "team");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().matches("pets:v1 \\([0-9a-f]{12}\\)  \\+2 -0 ~0  7 B newly stored\n"), first.out());

        Cli.Result same = cli.run("data", "add", "pets", src.toString());
        assertEquals(0, same.code(), same.err());
        assertTrue(same.out().startsWith("no change: the content equals pets:v1 ("), same.out());

        Files.writeString(src.resolve("cats/a.txt"), "meow!");
        Files.writeString(src.resolve("cats/b.txt"), "purr");
        JsonNode json = JSON.readTree(cli.run("data", "add", "pets", src.toString(), "--format", "json")
                .out());
        assertEquals("pets:v2", json.get("ref").asText());
        assertTrue(json.get("created").asBoolean());
        assertEquals(1, json.get("added").asInt());
        assertEquals(1, json.get("modified").asInt());
        assertEquals(0, json.get("removed").asInt());
        assertEquals(9, json.get("bytes_stored").asLong());
        assertEquals(3, json.get("files").asInt());

        JsonNode ls = JSON.readTree(cli.run("data", "ls", "--format", "json").out());
        assertEquals("Pet sounds", ls.get(0).get("description").asText());
        assertEquals("team", ls.get(0).get("visibility").asText());
    }

    @Test
    void addErrorsNameTheProblemWithUsageExitCodes() {
        Path missing = dir.resolve("nope");
        Cli.Result noPath = cli.run("data", "add", "pets", missing.toString());
        assertEquals(2, noPath.code());
        assertEquals("keel: cannot add " + missing + ": no such file or folder\n", noPath.err());
        assertEquals("", noPath.out());

        Cli.Result badVisibility = cli.run("data", "add", "pets", src.toString(), "--visibility", "secret");
        assertEquals(2, badVisibility.code());
        assertEquals("keel: unknown visibility 'secret': use private, team or public\n", badVisibility.err());

        Cli.Result badName = cli.run("data", "add", "Bad Name", src.toString());
        assertEquals(2, badName.code());
        assertTrue(badName.err().startsWith("keel: ") && badName.err().contains("Bad Name"), badName.err());

        Cli.Result missingArg = cli.run("data", "add", "pets");
        assertEquals(2, missingArg.code());
        assertTrue(missingArg.err().contains("Missing required parameter: 'PATH'"), missingArg.err());
    }

    @Test
    void lsListsDatasetsAndSaysWhenThereAreNone() throws Exception {
        Cli.Result empty = cli.run("data", "ls");
        assertEquals(0, empty.code());
        assertEquals("", empty.out());
        assertEquals("no datasets yet in " + home + " ('keel data add NAME PATH' adds one)\n", empty.err());
        assertFalse(Files.exists(new KeelHome(home).database()), "listing never creates a store");

        twoVersions();
        Cli.Result ls = cli.run("data", "ls");
        assertEquals(0, ls.code(), ls.err());
        String[] lines = ls.out().split("\n");
        assertTrue(lines[0].startsWith("Name"), ls.out());
        assertTrue(lines[0].contains("Versions") && lines[0].contains("Latest") && lines[0].contains("Size"), ls.out());
        assertTrue(lines[lines.length - 1].matches("pets\\s+2\\s+v2\\s+2\\s+9 B\\s.*private.*"), ls.out());
        assertEquals(
                "name,versions,latest,files,size,updated,visibility,owner,description",
                cli.run("data", "ls", "--format", "csv").out().split("\n")[0]);
    }

    @Test
    void logListsVersionsNewestFirstWithTags() throws Exception {
        twoVersions();
        assertEquals(0, cli.run("data", "tag", "pets:v1", "prod").code());
        Cli.Result log = cli.run("data", "log", "pets");
        assertEquals(0, log.code(), log.err());
        String[] lines = log.out().split("\n");
        assertTrue(lines[1].startsWith("v2 ") && lines[1].endsWith("second"), log.out());
        assertTrue(lines[2].startsWith("v1 ") && lines[2].contains("prod") && lines[2].endsWith("first"), log.out());

        JsonNode json =
                JSON.readTree(cli.run("data", "log", "pets", "--format", "json").out());
        assertEquals(2, json.size());
        assertEquals("pets:v1", json.get(0).get("parent").asText());
        assertEquals("[\"prod\"]", json.get(1).get("tags").toString());

        Cli.Result unknown = cli.run("data", "log", "nope");
        assertEquals(1, unknown.code());
        assertEquals("keel: no dataset named 'nope'; 'keel data ls' lists them\n", unknown.err());
    }

    @Test
    void readersWithoutAStoreSayWhereTheyLooked() {
        Cli.Result r = cli.run("data", "show", "pets");
        assertEquals(1, r.code());
        assertTrue(
                r.err()
                        .startsWith("keel: no Keel store at " + new KeelHome(home).database()
                                + ": no dataset was added there yet"),
                r.err());
        assertFalse(Files.exists(new KeelHome(home).database()), "a reader must not create a store");
    }

    @Test
    void showListsFilesSizesAndTheRunsThatUsedIt() throws Exception {
        Fixtures.seed(home);
        twoVersions();
        Cli.Result none = cli.run("data", "show", "pets:v1");
        assertEquals(0, none.code(), none.err());
        assertTrue(none.out().startsWith("Version:  pets:v1  sha256:"), none.out());
        assertTrue(none.out().contains("\nFiles\n  4 B  cats/a.txt\n  3 B  z.txt\n"), none.out());
        assertTrue(none.out().endsWith("\nRuns (none)\n"), none.out());

        try (Datasets data = Datasets.open(new KeelHome(home))) {
            data.use("aaaa1111", "pets:v1");
        }
        Cli.Result used = cli.run("data", "show", "pets:v1");
        assertTrue(used.out().contains("\nRuns\n  aaaa1111  brave-otter-1  mnist  finished  used "), used.out());
        JsonNode json = JSON.readTree(
                cli.run("data", "show", "pets@" + hashOf("pets:v1").substring(7, 15), "--format", "json")
                        .out());
        assertEquals("pets:v1", json.get("ref").asText());
        assertEquals("aaaa1111", json.get("runs").get(0).get("run_id").asText());
        assertEquals("cats/a.txt", json.get("file_list").get(0).get("path").asText());
        assertEquals(4, json.get("file_list").get(0).get("size").asInt());

        Cli.Result badTag = cli.run("data", "show", "pets:nosuchtag");
        assertEquals(1, badTag.code());
        assertTrue(badTag.err().startsWith("keel: no tag 'nosuchtag' on dataset 'pets'"), badTag.err());
    }

    @Test
    void diffListsChangedPathsWithSizesAndTotals() throws Exception {
        twoVersions();
        Cli.Result diff = cli.run("data", "diff", "pets:v1", "pets:latest");
        assertEquals(0, diff.code(), diff.err());
        assertEquals(
                "~ cats/a.txt  4 B -> 5 B\n+ cats/b.txt  4 B\n- z.txt  3 B\n"
                        + "pets:v1 -> pets:v2: 1 added, 1 removed, 1 modified, +2 B\n",
                diff.out());
        assertEquals(
                "pets:v1 -> pets:v2: 1 added, 1 removed, 1 modified, +2 B\n",
                cli.run("data", "diff", "pets:v1", "pets:v2", "--stat").out());
        JsonNode json = JSON.readTree(cli.run("data", "diff", "pets:v1", "pets:v2", "--format", "json")
                .out());
        assertEquals("modified", json.get("changes").get(0).get("change").asText());
        assertEquals(1, json.get("added").asInt());

        Cli.Result bad = cli.run("data", "diff", "pets:v1", "pets:v9");
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("keel: ") && bad.err().contains("v9"), bad.err());
    }

    @Test
    void checkoutCopiesByDefaultAndLinksReadOnlyOnlyWhenAskedWithAWarning() throws Exception {
        twoVersions();
        Path copied = dir.resolve("copied");
        Cli.Result r = cli.run("data", "checkout", "pets:v1", copied.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("pets:v1 -> " + copied + ": 0 linked, 2 written"), r.out());
        assertEquals("", r.err());
        assertEquals("meow", Files.readString(copied.resolve("cats/a.txt")));
        assertTrue(Files.getPosixFilePermissions(copied.resolve("z.txt")).contains(PosixFilePermission.OWNER_WRITE));

        Path linked = dir.resolve("linked");
        Cli.Result l = cli.run("data", "checkout", "pets:v2", linked.toString(), "--link", "hardlink");
        assertEquals(0, l.code(), l.err());
        assertTrue(
                l.err()
                        .startsWith("keel: warning: hard links share their bytes with the local cache: editing a"
                                + " checked-out file in place"),
                l.err());
        assertEquals("purr", Files.readString(linked.resolve("cats/b.txt")));
        assertFalse(
                Files.getPosixFilePermissions(linked.resolve("cats/b.txt")).contains(PosixFilePermission.OWNER_WRITE));

        Cli.Result again = cli.run("data", "checkout", "pets:v2", linked.toString(), "--link", "hardlink");
        assertTrue(again.out().endsWith(": 0 linked, 0 written (0 B), 2 already present\n"), again.out());
        Path old = dir.resolve("old-flag");
        assertEquals(
                0,
                cli.run("data", "checkout", "pets:v2", old.toString(), "--copy").code(),
                "--copy still runs");
        assertTrue(Files.getPosixFilePermissions(old.resolve("cats/b.txt")).contains(PosixFilePermission.OWNER_WRITE));

        Cli.Result badMode =
                cli.run("data", "checkout", "pets:v2", dir.resolve("y").toString(), "--link", "symlink");
        assertEquals(2, badMode.code(), "a usage error");
        assertTrue(badMode.err().startsWith("keel: unknown link mode 'symlink': use 'copy'"), badMode.err());

        Cli.Result unknown =
                cli.run("data", "checkout", "cows", dir.resolve("x").toString());
        assertEquals(1, unknown.code());
        assertEquals(
                "keel: no dataset named 'cows'; 'keel data ls' lists them, 'keel data add cows PATH' creates it\n",
                unknown.err());
    }

    @Test
    void verifyExitsOneNamingEachDamagedFileAndTheVersionsItBreaks() throws Exception {
        twoVersions();
        Cli.Result ok = cli.run("data", "verify");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().startsWith("ok: checked "), ok.out());

        flipByteOf("zzz");
        Cli.Result bad = cli.run("data", "verify");
        assertEquals(1, bad.code());
        assertTrue(bad.out().startsWith("DAMAGED z.txt  breaks pets:v1: "), bad.out());
        assertTrue(bad.out().contains("1 damaged file(s); checked "), bad.out());
        assertTrue(bad.err().startsWith("keel: 1 damaged file(s): "), bad.err());
        assertEquals(0, cli.run("data", "verify", "pets:v2").code(), "v2 does not contain z.txt");
        JsonNode json = JSON.readTree(
                cli.run("data", "verify", "pets:v1", "--format", "json").out());
        assertFalse(json.get("ok").asBoolean());
        assertEquals("z.txt", json.get("damaged").get(0).get("path").asText());
    }

    @Test
    void verifyNamesACacheObjectChangedThroughAnEditedHardLinkAndRemovesIt() throws Exception {
        twoVersions();
        Path linked = dir.resolve("linked");
        assertEquals(
                0,
                cli.run("data", "checkout", "pets:v1", linked.toString(), "--link", "hardlink")
                        .code());
        Path z = linked.resolve("z.txt");
        Files.setPosixFilePermissions(z, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(z, "ZZZ", StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);

        Cli.Result bad = cli.run("data", "verify", "--format", "json");
        assertEquals(1, bad.code());
        JsonNode json = JSON.readTree(bad.out());
        assertFalse(json.get("ok").asBoolean());
        assertEquals(0, json.get("damaged").size());
        assertEquals("z.txt", json.get("cache_repaired").get(0).get("path").asText());
        assertTrue(
                bad.err()
                        .startsWith("keel: 1 cache object(s) had changed (a hard-linked checkout edited in place)"
                                + " and were removed; the stored data is intact."),
                bad.err());

        Cli.Result ok = cli.run("data", "verify");
        assertEquals(0, ok.code(), ok.out());
        Path fresh = dir.resolve("fresh");
        assertEquals(
                0,
                cli.run("data", "checkout", "pets:v1", fresh.toString(), "--link", "hardlink")
                        .code());
        assertEquals("zzz", Files.readString(fresh.resolve("z.txt")));
    }

    @Test
    void gcKeepsBlobsThatRunsReferenceAndRemovesUnreferencedOnes() throws Exception {
        Fixtures.seed(home);
        twoVersions();
        KeelHome keel = new KeelHome(home);
        LocalBlobStore blobs = new LocalBlobStore(keel.blobs());
        String kept = blobs.put(new ByteArrayInputStream("checkpoint".getBytes(StandardCharsets.UTF_8)));
        String orphan = blobs.put(new ByteArrayInputStream("orphan".getBytes(StandardCharsets.UTF_8)));
        try (Store store = Stores.open(keel.storeLocation())) {
            WriteBatch b = new WriteBatch();
            b.files.add(new RunFile("checkpoints/epoch-1.ckpt", kept, 10, "checkpoint", Fixtures.T0));
            store.apply("aaab2222", b);
        }
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 3 * 3600_000L);
        Files.setLastModifiedTime(blobs.path(kept), old);
        Files.setLastModifiedTime(blobs.path(orphan), old);

        Cli.Result dry = cli.run("data", "gc", "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().startsWith("would remove 1 blob(s), 6 B would be freed; "), dry.out());
        assertTrue(dry.out().endsWith("(dry run: nothing deleted)\n"), dry.out());
        assertTrue(blobs.has(orphan));

        JsonNode json = JSON.readTree(cli.run("data", "gc", "--format", "json").out());
        assertEquals("[\"" + orphan + "\"]", json.get("blobs").toString());
        assertFalse(blobs.has(orphan));
        assertTrue(blobs.has(kept), "a checkpoint a run references survives gc");
        assertEquals(0, cli.run("data", "verify").code(), "gc removed nothing a version needs");
    }

    @Test
    void tagPointsANameAtAVersion() throws Exception {
        twoVersions();
        Cli.Result tag = cli.run("data", "tag", "pets:v1", "prod");
        assertEquals(0, tag.code(), tag.err());
        assertTrue(tag.out().startsWith("pets:prod -> pets:v1 ("), tag.out());
        assertTrue(cli.run("data", "show", "pets:prod").out().startsWith("Version:  pets:v1 "));
        cli.run("data", "tag", "pets:v2", "prod");
        assertTrue(cli.run("data", "show", "pets:prod").out().startsWith("Version:  pets:v2 "), "the tag moved");

        Cli.Result unknown = cli.run("data", "tag", "pets:v7", "prod");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().startsWith("keel: ") && unknown.err().contains("v7"), unknown.err());
    }

    @Test
    void rmAsksThenRemovesAVersionOrAWholeDataset() throws Exception {
        twoVersions();
        Cli.Result declined = cli.runWithInput("n\n", "data", "rm", "pets:v1");
        assertEquals(1, declined.code());
        assertTrue(declined.err().startsWith("Remove version pets:v1 ("), declined.err());
        assertTrue(declined.err().endsWith("? [y/N] not removed\n"), declined.err());
        Cli.Result noAnswer = cli.run("data", "rm", "pets:v1");
        assertTrue(noAnswer.err().endsWith("not removed (no answer; pass --yes to remove without asking)\n"));

        Cli.Result removed = cli.run("data", "rm", "pets:v1", "--yes");
        assertEquals(0, removed.code(), removed.err());
        assertTrue(removed.err().startsWith("removed version pets:v1 ("), removed.err());
        assertEquals(
                1,
                JSON.readTree(cli.run("data", "log", "pets", "--format", "json").out())
                        .size());

        Cli.Result whole = cli.runWithInput("y\n", "data", "rm", "pets");
        assertEquals(0, whole.code(), whole.err());
        assertTrue(whole.err().endsWith("removed dataset pets with its 1 version(s)\n"), whole.err());
        assertEquals("[ ]", cli.run("data", "ls", "--format", "json").out().trim());

        Cli.Result unknown = cli.run("data", "rm", "pets", "--yes");
        assertEquals(1, unknown.code());
        assertEquals("keel: no dataset named 'pets'; 'keel data ls' lists them\n", unknown.err());
    }

    @Test
    void everyVerbHasHelp() {
        for (String verb : List.of("add", "ls", "log", "show", "diff", "checkout", "verify", "gc", "tag", "rm")) {
            Cli.Result r = cli.run("data", verb, "--help");
            assertEquals(0, r.code(), verb);
            assertTrue(r.out().startsWith("Usage: keel data " + verb), r.out());
        }
        Cli.Result bare = Cli.execute("", "data");
        assertEquals(0, bare.code());
        assertTrue(
                bare.out().startsWith("Usage: keel data ") && bare.out().contains("checkout"),
                "bare 'keel data' lists the verbs: " + bare.out());
    }

    @Test
    void runShowAndTheRunsTableListDatasetInputs() throws Exception {
        Fixtures.seed(home);
        twoVersions();
        Cli.Result before = cli.run("runs");
        assertFalse(before.out().contains("Inputs"), "no Inputs column while no run used a dataset");
        String hash;
        try (Datasets data = Datasets.open(new KeelHome(home))) {
            data.use("aaaa1111", "pets:v1");
            data.use("aaaa1111", "pets:v2");
            hash = data.resolve("pets:v1").hash();
        }
        Cli.Result show = cli.run("run", "show", "aaaa1111");
        assertTrue(show.out().contains("\nInputs\n  pets:v1@" + hash.substring(7, 19) + "\n  pets:v2@"), show.out());
        assertTrue(cli.run("run", "show", "aaab2222").out().contains("\nInputs (none)\n"));
        JsonNode showJson = JSON.readTree(
                cli.run("run", "show", "aaaa1111", "--format", "json").out());
        assertEquals(hash, showJson.get("inputs").get(0).get("hash").asText());

        Cli.Result runs = cli.run("runs", "--project", "mnist");
        assertTrue(runs.out().lines().skip(1).findFirst().orElseThrow().endsWith("  Inputs"), runs.out());
        assertTrue(runs.out().contains("pets:v1, pe"), runs.out()); // the text table may shorten the cell to fit
        JsonNode runsJson = JSON.readTree(
                cli.run("runs", "--project", "mnist", "--format", "json").out());
        for (JsonNode run : runsJson) {
            int expected = run.get("id").asText().equals("aaaa1111") ? 2 : 0;
            assertEquals(expected, run.get("inputs").size(), run.toString());
        }
        String csv = cli.run("runs", "--project", "mnist", "--format", "csv").out();
        assertTrue(csv.contains("pets:v1@" + hash.substring(7, 19) + ";pets:v2@"), csv);
    }

    private String hashOf(String ref) {
        try (Datasets data = Datasets.open(new KeelHome(home))) {
            return data.resolve(ref).hash();
        }
    }

    /** Flips one byte of {@code content} wherever the blob folder stores it (inside a pack). */
    private void flipByteOf(String content) throws Exception {
        byte[] needle = content.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(new KeelHome(home).blobs())) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(p);
                int at = indexOf(bytes, needle);
                if (at >= 0) {
                    bytes[at] ^= 0x20;
                    p.toFile().setWritable(true);
                    Files.write(p, bytes);
                    return;
                }
            }
        }
        throw new AssertionError("no blob holds '" + content + "'");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
