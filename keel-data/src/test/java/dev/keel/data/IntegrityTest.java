package dev.keel.data;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.core.data.NewVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.core.data.StoredManifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.DeflaterOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged bytes and hostile paths: detected, named, and never passed on or written outside. */
class IntegrityTest {
    @TempDir
    Path tmp;

    Path home;
    Datasets data;
    DatasetStore store;
    Path src;

    @BeforeEach
    void open() throws Exception {
        home = tmp.resolve("home");
        data = Datasets.open(new KeelHome(home));
        store = DatasetStores.open(new KeelHome(home).storeLocation());
        src = Files.createDirectories(tmp.resolve("src"));
    }

    @AfterEach
    void close() {
        store.close();
        data.close();
    }

    @Test
    void aFlippedByteIsNamedByVerifyWithEveryVersionItBreaksAndRefusedByCheckout() throws Exception {
        TestTrees.write(src, "train/shirt.png", "shirt pixels");
        TestTrees.write(src, "train/shoe.png", "shoe pixels");
        data.add("ds", src, null);
        TestTrees.write(src, "extra.png", "more");
        data.add("ds", src, null);
        assertTrue(data.verify(null).ok());

        String hash = data.show("ds:v1").files().stream()
                .filter(f -> f.path().equals("train/shirt.png"))
                .findFirst()
                .orElseThrow()
                .hash();
        ObjectLocation loc = store.locate(List.of(hash)).get(hash);
        flip(new LocalBlobStore(home.resolve("blobs")).path(loc.pack()), loc.offset() + 3);

        VerifyReport report = data.verify(null);
        assertEquals(1, report.damaged().size(), report.damaged().toString());
        VerifyReport.Damage d = report.damaged().get(0);
        assertEquals("train/shirt.png", d.path());
        assertEquals(List.of("ds:v1", "ds:v2"), d.versions());
        assertEquals(hash, d.object());
        assertTrue(d.reason().startsWith("damaged: its bytes hash to sha256:"), d.reason());
        assertFalse(data.verify("ds:v2").ok());

        KeelException e =
                assertThrows(KeelException.class, () -> data.checkout("ds:v1", tmp.resolve("out"), LinkMode.HARDLINK));
        assertEquals(KeelException.ErrorCode.CORRUPT_DATA, e.code());
        assertTrue(
                e.getMessage()
                        .startsWith("refusing to check out 'train/shirt.png' of ds:v1: its stored bytes are damaged"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out/train/shirt.png")), "no damaged file is materialised");
        assertThrows(KeelException.class, () -> data.checkout("ds:v1", tmp.resolve("out-copy"), LinkMode.COPY));
        assertFalse(Files.exists(tmp.resolve("out-copy/train/shirt.png")));
    }

    @Test
    void aMissingPackIsReportedAsDamageNotACrash() throws Exception {
        TestTrees.write(src, "a.txt", "a");
        data.add("gone", src, null);
        String hash = data.show("gone").files().get(0).hash();
        Path pack = new LocalBlobStore(home.resolve("blobs"))
                .path(store.locate(List.of(hash)).get(hash).pack());
        Files.delete(pack);
        VerifyReport r = data.verify("gone:v1");
        assertEquals("a.txt", r.damaged().get(0).path());
        assertTrue(
                r.damaged().get(0).reason().contains("is missing"),
                r.damaged().get(0).reason());
    }

    @Test
    void aManifestWithDotDotOrAbsolutePathsIsRefusedAndNothingIsWrittenOutside() throws Exception {
        for (String evil : List.of("../evil.txt", "/tmp/keel-evil.txt", "ok/../../evil.txt")) {
            String name = "evil" + Math.abs(evil.hashCode());
            commitRaw(name, "keel-manifest 1\nf 644 4 " + Hashes.hex(Hashes.of("evil".getBytes())) + " " + evil + "\n");
            Path target = tmp.resolve("target-" + name);
            KeelException e = assertThrows(KeelException.class, () -> data.checkout(name, target, LinkMode.COPY));
            assertEquals(KeelException.ErrorCode.CORRUPT_DATA, e.code());
            assertTrue(e.getMessage().contains("unsafe path '" + evil + "'"), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("evil.txt")));
            assertFalse(Files.exists(Path.of("/tmp/keel-evil.txt")));
        }
    }

    @Test
    void aLinkedFolderInTheTargetIsNotFollowedOutside() throws Exception {
        TestTrees.write(src, "sub/file.txt", "content");
        data.add("safe", src, null);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path target = Files.createDirectories(tmp.resolve("target"));
        Files.createSymbolicLink(target.resolve("sub"), outside);
        KeelException e = assertThrows(KeelException.class, () -> data.checkout("safe", target, LinkMode.HARDLINK));
        assertTrue(e.getMessage().contains("resolves outside it"), e.getMessage());
        assertFalse(Files.exists(outside.resolve("file.txt")));
    }

    @Test
    void linksLeavingTheFolderAreRefusedAtAddAndLinksInsideAreKept() throws Exception {
        TestTrees.write(src, "data/a.txt", "a");
        Path secret = TestTrees.write(tmp, "secret.txt", "do not add");
        Files.createSymbolicLink(src.resolve("data/leak"), secret);
        KeelException e = assertThrows(KeelException.class, () -> data.add("links", src, null));
        assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
        assertTrue(
                e.getMessage().startsWith("cannot add 'data/leak': it is a link to " + secret + ", outside the folder"),
                e.getMessage());
        Files.delete(src.resolve("data/leak"));
        Files.createSymbolicLink(src.resolve("data/up"), Path.of("../../secret.txt"));
        assertThrows(KeelException.class, () -> data.add("links", src, null));
        Files.delete(src.resolve("data/up"));
        assertTrue(data.list().isEmpty(), "refused adds store nothing");

        Files.createSymbolicLink(src.resolve("data/alias"), Path.of("a.txt"));
        data.add("links", src, null);
        Path out = tmp.resolve("links-out");
        data.checkout("links", out, LinkMode.HARDLINK);
        assertEquals("a", Files.readString(out.resolve("data/alias")));
        assertTrue(Files.isSymbolicLink(out.resolve("data/alias")));
    }

    @Test
    void namesWithLineBreaksAreRefusedClearly() throws Exception {
        TestTrees.write(src, "bad\nname.txt", "x");
        KeelException e = assertThrows(KeelException.class, () -> data.add("nl", src, null));
        assertTrue(e.getMessage().startsWith("cannot add 'bad\\nname.txt': control character"), e.getMessage());
    }

    @Test
    void aBadNameAppearingInAFolderAddedBeforeIsRefusedAndTheLatestVersionStays() throws Exception {
        TestTrees.write(src, "good.txt", "x");
        String v1 = data.add("grows", src, null).version().hash();
        // Names are checked only once a scan differs from the last one: this one does.
        TestTrees.write(src, "bad\\name.txt", "y");
        KeelException e = assertThrows(KeelException.class, () -> data.add("grows", src, null));
        assertTrue(
                e.getMessage().startsWith("cannot add 'bad\\name.txt': control character or backslash"),
                e.getMessage());
        assertEquals(v1, store.latest("grows").orElseThrow().hash());
    }

    private void commitRaw(String name, String text) throws Exception {
        byte[] canonical = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(body)) {
            out.write(canonical);
        }
        store.commitVersion(new NewVersion(
                new Dataset(name, "mallory", "", null, 0),
                new StoredManifest(Hashes.of(canonical), null, body.toByteArray()),
                List.of(),
                "",
                "mallory",
                0,
                1,
                4,
                0));
    }

    private static void flip(Path file, long offset) throws Exception {
        file.toFile().setWritable(true);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x01);
        }
    }
}
