package dev.keel.data;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Someone edits a checked-out file in place (as root, or after chmod: the read-only bit protects
 * nothing then). The stored data must not change: the next checkout delivers the original bytes,
 * and verify sees a changed cache object.
 */
class EditedCheckoutTest {
    @TempDir
    Path tmp;

    Datasets data;
    Path src;
    Path cache;

    @BeforeEach
    void open() throws Exception {
        KeelHome home = new KeelHome(tmp.resolve("home"));
        data = Datasets.open(home);
        cache = home.cache().resolve("data/objects");
        src = Files.createDirectories(tmp.resolve("src"));
        TestTrees.write(src, "train/shirt.png", "original shirt");
        TestTrees.write(src, "train/shoe.png", "original shoe");
        data.add("ds", src, null);
    }

    @AfterEach
    void close() {
        data.close();
    }

    /**
     * What an editor or a training script does: open the existing file for writing (same inode)
     * and write bytes of the same size (a size check cannot see it), then put the mtime back.
     */
    static void editInPlace(Path file, String content) throws Exception {
        FileTime mtime = Files.getLastModifiedTime(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(file, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        Files.setLastModifiedTime(file, mtime);
    }

    @Test
    void editingADefaultCheckoutInPlaceChangesNeitherTheNextCheckoutNorVerify() throws Exception {
        Path first = tmp.resolve("first");
        CheckoutResult c = data.checkout("ds:v1", first);
        assertEquals(0, c.linked(), "the default writes independent files");
        editInPlace(first.resolve("train/shirt.png"), "poisoned shirt");

        Path second = tmp.resolve("second");
        data.checkout("ds:v1", second);
        assertEquals("original shirt", Files.readString(second.resolve("train/shirt.png")));
        assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(second));
        assertEquals("original shirt", Files.readString(hardLinked("third").resolve("train/shirt.png")));
        assertTrue(data.verify(null).ok());
    }

    @Test
    void anEditedHardLinkIsSeenByVerifyAndTheNextCheckoutGetsTheStoredBytes() throws Exception {
        Path first = hardLinked("first");
        editInPlace(first.resolve("train/shirt.png"), "poisoned shirt");

        VerifyReport report = data.verify(null);
        assertFalse(report.ok(), "a changed cache object is not ok");
        assertTrue(report.damaged().isEmpty(), "the stored data itself is intact");
        assertEquals(1, report.cacheRepaired().size(), report.cacheRepaired().toString());
        VerifyReport.CacheRepair r = report.cacheRepaired().get(0);
        assertEquals("train/shirt.png", r.path());
        assertEquals(List.of("ds:v1"), r.versions());
        assertTrue(
                r.reason().startsWith("the checkout cache's copy was changed (its bytes hash to sha256:"), r.reason());
        assertTrue(data.verify(null).ok(), "repaired: a second verify finds nothing");

        Path second = hardLinked("second");
        assertEquals("original shirt", Files.readString(second.resolve("train/shirt.png")));
        assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(second));
        assertEquals(
                "poisoned shirt",
                Files.readString(first.resolve("train/shirt.png")),
                "an earlier link keeps the edited bytes (the stated risk of hard links)");
    }

    @Test
    void aChangedCacheObjectIsRepairedByTheNextHardLinkCheckoutWithoutAVerify() throws Exception {
        Path first = hardLinked("first");
        editInPlace(first.resolve("train/shirt.png"), "poisoned shirt");

        Path second = tmp.resolve("second");
        CheckoutResult c = data.checkout("ds:v1", second, LinkMode.HARDLINK);
        assertEquals(1, c.repaired());
        assertTrue(c.summary().endsWith("1 changed cache object(s) rewritten from the packs"), c.summary());
        assertEquals("original shirt", Files.readString(second.resolve("train/shirt.png")));
        assertNotEquals(
                Files.getAttribute(first.resolve("train/shirt.png"), "unix:ino"),
                Files.getAttribute(second.resolve("train/shirt.png"), "unix:ino"),
                "the new link is a new file");
        assertTrue(data.verify(null).ok());

        // Unchanged cache objects are trusted from their stamps: a third checkout rewrites nothing.
        CheckoutResult third = data.checkout("ds:v1", tmp.resolve("third"), LinkMode.HARDLINK);
        assertEquals(0, third.repaired());
        assertEquals(2, third.linked());
    }

    @Test
    void anEditToACheckedOutFileInTheFolderItselfIsRepairedByCheckingOutAgain() throws Exception {
        Path out = tmp.resolve("out");
        data.checkout("ds:v1", out);
        editInPlace(out.resolve("train/shirt.png"), "poisoned shirt");
        CheckoutResult again = data.checkout("ds:v1", out);
        assertEquals(1, again.written());
        assertEquals("original shirt", Files.readString(out.resolve("train/shirt.png")));
    }

    @Test
    void useDatasetHandsOutTheOriginalBytesAfterAnEarlierRunEditedItsCopy() throws Exception {
        Path used = data.use("run-1", "ds:v1").path();
        assertFalse(Files.isWritable(used.resolve("train/shirt.png")) && !isRoot(), "read-only for non-root users");
        editInPlace(used.resolve("train/shirt.png"), "poisoned shirt");
        Path again = data.use("run-2", "ds:v1").path();
        assertEquals(used, again);
        assertEquals("original shirt", Files.readString(again.resolve("train/shirt.png")));
        assertTrue(data.verify(null).ok());
    }

    @Test
    void useDatasetWithHardLinksRepairsTheCacheBeforeHandingItOutAgain() throws Exception {
        Path used = data.use("run-1", "ds:v1", LinkMode.HARDLINK).path();
        editInPlace(used.resolve("train/shirt.png"), "poisoned shirt");
        Path again = data.use("run-2", "ds:v1", LinkMode.HARDLINK).path();
        assertEquals("original shirt", Files.readString(again.resolve("train/shirt.png")));
        assertEquals(
                "original shirt",
                Files.readString(data.use("run-3", "ds:v1").path().resolve("train/shirt.png")));
    }

    @Test
    void aCacheObjectReplacedBehindKeelsBackIsNotTrusted() throws Exception {
        hardLinked("first");
        Path object;
        try (var s = Files.walk(cache)) {
            object = s.filter(Files::isRegularFile)
                    .filter(p -> {
                        try {
                            return Files.readString(p).equals("original shirt");
                        } catch (Exception e) {
                            return false;
                        }
                    })
                    .findFirst()
                    .orElseThrow();
        }
        // A new file of the same size with the old mtime: a new inode and ctime, whatever the mtime says.
        FileTime mtime = Files.getLastModifiedTime(object);
        Files.delete(object);
        Files.writeString(object, "poisoned shirt");
        Files.setLastModifiedTime(object, mtime);
        assertEquals("original shirt", Files.readString(hardLinked("second").resolve("train/shirt.png")));
    }

    @Test
    void linkModesParseAndAnUnknownOneNamesTheChoices() {
        assertEquals(LinkMode.COPY, LinkMode.parse("copy"));
        assertEquals(LinkMode.HARDLINK, LinkMode.parse("HardLink"));
        assertEquals(LinkMode.REFLINK, LinkMode.parse("reflink"));
        KeelException e = assertThrows(KeelException.class, () -> LinkMode.parse("symlink"));
        assertEquals(
                "unknown link mode 'symlink': use 'copy' (the default: independent files, cloned where the file"
                        + " system can), 'reflink' (independent files, clones only) or 'hardlink' (shares bytes with the cache:"
                        + " no second copy on disk)",
                e.getMessage());
    }

    private Path hardLinked(String name) {
        Path out = tmp.resolve(name);
        CheckoutResult c = data.checkout("ds:v1", out, LinkMode.HARDLINK);
        assertEquals(2, c.linked() + c.written());
        return out;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
