package dev.keel.data.internal;

import dev.keel.core.KeelHome;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.data.AddOptions;
import dev.keel.data.AddResult;
import dev.keel.data.Datasets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An add of an unchanged folder may answer from the stat cache's head without opening the
 * store, but only while nothing was committed to the database since: each test changes the
 * store or the folder one way and checks that the add notices.
 */
class UnchangedAddTest {
    private static final FileTime OLD = FileTime.fromMillis(System.currentTimeMillis() - 120_000);

    @TempDir
    Path tmp;

    KeelHome home;
    Path src;
    Path other;

    @BeforeEach
    void folders() throws IOException {
        home = new KeelHome(tmp.resolve("home"));
        src = Files.createDirectories(tmp.resolve("src"));
        other = Files.createDirectories(tmp.resolve("other"));
        for (int i = 0; i < 12; i++) {
            write(src.resolve("d" + (i % 3) + "/f" + i + ".txt"), "content " + i);
        }
        write(other.resolve("x.txt"), "another folder");
    }

    @Test
    void anUnchangedFolderIsAnsweredWithoutTheStoreOnceAnAddHasReadTheLatestVersion() throws IOException {
        AddResult v1 = add("ds", src);
        assertTrue(v1.created());
        awaitSettledDatabase();
        AddResult same = add("ds", src); // reads the latest version and remembers it with the stamp
        assertFalse(same.created());

        AddResult quick = storeless().add("ds", src, AddOptions.defaults());
        assertFalse(quick.created());
        assertEquals(v1.version(), quick.version(), "the same version, every field");
        assertEquals(0, quick.filesHashed());
    }

    @Test
    void aVersionCommittedSinceFromAnotherFolderIsNoticed() throws IOException {
        AddResult v1 = add("ds", src);
        awaitSettledDatabase();
        add("ds", src);
        AddResult v2 = add("ds", other);
        assertEquals(2, v2.version().number());
        awaitSettledDatabase(); // so the stamp is taken, and differs, rather than withheld

        assertThrows(StoreOpened.class, () -> storeless().add("ds", src, AddOptions.defaults()));
        AddResult back = add("ds", src);
        assertTrue(back.created(), "the latest version is the other folder's: this folder is a change");
        assertEquals(3, back.version().number());
        assertEquals(v1.version().hash(), back.version().hash());
    }

    @Test
    void anyOtherWriteToTheDatabaseMakesTheAddReadIt() throws IOException {
        add("ds", src);
        awaitSettledDatabase();
        add("ds", src);
        try (Datasets data = Datasets.open(home)) {
            data.add("ds", src, AddOptions.defaults().description("now with a description"));
        }
        awaitSettledDatabase();
        assertThrows(StoreOpened.class, () -> storeless().add("ds", src, AddOptions.defaults()));
        assertFalse(add("ds", src).created());
    }

    @Test
    void anotherDatasetNameIsNeverAnsweredFromTheHead() throws IOException {
        add("ds", src);
        awaitSettledDatabase();
        add("ds", src);
        assertThrows(StoreOpened.class, () -> storeless().add("copy", src, AddOptions.defaults()));
        AddResult copy = add("copy", src);
        assertTrue(copy.created());
        assertEquals("copy", copy.version().dataset());
    }

    @Test
    void aDamagedHeadIsReadAsNoneAndTheDatabaseAnswersInstead() throws IOException {
        AddResult v1 = add("ds", src);
        awaitSettledDatabase();
        add("ds", src);
        List<Path> heads;
        try (Stream<Path> files = Files.walk(home.cache())) {
            heads = files.filter(p -> p.getFileName().toString().endsWith(".head"))
                    .toList();
        }
        assertEquals(1, heads.size(), heads.toString());
        byte[] whole = Files.readAllBytes(heads.get(0));
        // cut in the middle of a field, then the same length of noise after a valid start
        Files.write(heads.get(0), Arrays.copyOf(whole, whole.length / 2));
        assertThrows(StoreOpened.class, () -> storeless().add("ds", src, AddOptions.defaults()));
        byte[] noise = whole.clone();
        Arrays.fill(noise, 4, noise.length, (byte) 0xFF);
        Files.write(heads.get(0), noise);
        assertThrows(StoreOpened.class, () -> storeless().add("ds", src, AddOptions.defaults()));

        AddResult again = add("ds", src);
        assertFalse(again.created(), "nothing stored was lost: the folder is still the latest version");
        assertEquals(v1.version(), again.version());
        assertEquals(0, again.filesHashed());
        AddResult quick = storeless().add("ds", src, AddOptions.defaults());
        assertEquals(v1.version(), quick.version(), "the add that read the database wrote the head again");
    }

    @Test
    void aChangedFileIsNoticedBeforeTheHeadIsConsulted() throws IOException {
        add("ds", src);
        awaitSettledDatabase();
        add("ds", src);
        Path f = src.resolve("d1/f1.txt");
        FileTime before = Files.getLastModifiedTime(f);
        Files.setLastModifiedTime(f, FileTime.from(before.to(TimeUnit.NANOSECONDS) + 1, TimeUnit.NANOSECONDS));
        assertThrows(StoreOpened.class, () -> storeless().add("ds", src, AddOptions.defaults()));
        AddResult touched = add("ds", src);
        assertFalse(touched.created(), "same bytes: no version");
        assertEquals(1, touched.filesHashed(), "one nanosecond of mtime is enough to read the file again");
    }

    @Test
    void anExecutableBitSetOrClearedIsNoticedBeforeTheHeadIsConsulted() throws IOException {
        AddResult v1 = add("ds", src);
        awaitSettledDatabase();
        add("ds", src);
        Path f = src.resolve("d2/f5.txt");
        Set<PosixFilePermission> plain = Files.getPosixFilePermissions(f);
        Set<PosixFilePermission> exec = EnumSet.copyOf(plain);
        exec.add(PosixFilePermission.OWNER_EXECUTE);
        Files.setPosixFilePermissions(f, exec);
        assertThrows(StoreOpened.class, () -> storeless().add("ds", src, AddOptions.defaults()), "chmod +x");
        AddResult x = add("ds", src);
        assertTrue(x.created(), "the mode is part of the content");
        assertNotEquals(v1.version().hash(), x.version().hash());
        awaitSettledDatabase();
        add("ds", src);

        Files.setPosixFilePermissions(f, plain);
        assertThrows(StoreOpened.class, () -> storeless().add("ds", src, AddOptions.defaults()), "chmod -x");
        AddResult back = add("ds", src);
        assertTrue(back.created());
        assertEquals(v1.version().hash(), back.version().hash(), "the first version's content again");
    }

    @Test
    void aFileMovedBetweenFoldersIsNoticedBeforeTheHeadIsConsulted() throws IOException {
        add("ds", src);
        awaitSettledDatabase();
        add("ds", src);
        // the same name, bytes and stat, one folder over: only the record's path tells
        Files.move(src.resolve("d0/f0.txt"), src.resolve("d1/f0.txt"));
        assertThrows(StoreOpened.class, () -> storeless().add("ds", src, AddOptions.defaults()));
        assertTrue(add("ds", src).created());
    }

    @Test
    void aRacilyCleanFileIsReadAgainAfterASameSizeRewriteInTheSameTick() throws IOException {
        // A modification time ahead of the add's clock stands for "written in the tick the add saw it".
        Path f = src.resolve("d2/f2.txt");
        FileTime tick = FileTime.fromMillis(System.currentTimeMillis() + 3_600_000);
        Files.setLastModifiedTime(f, tick);
        AddResult v1 = add("ds", src);
        assertNull(
                StatCache.load(home.cache().resolve("data"), src).unchangedManifest(Scanner.scan(src)),
                "a racy file leaves no snapshot");

        Files.writeString(f, "CONTENT 2"); // same size, same inode
        Files.setLastModifiedTime(f, tick);
        AddResult v2 = add("ds", src);
        assertTrue(v2.created(), "the rewrite is found");
        assertEquals(1, v2.modified());
        assertEquals(1, v2.filesHashed(), "only the racy file is read again");
        assertFalse(v1.version().hash().equals(v2.version().hash()));
    }

    @Test
    void theStampIsWithheldWhileTheLogHoldsCommitsOrTheFileIsFresh() throws IOException {
        add("ds", src);
        Path db = home.database();
        long later = System.currentTimeMillis() * 1_000_000L + TimeUnit.SECONDS.toNanos(10);
        String settled = StoreStamp.of(db, later);
        assertNotNull(settled);
        assertNull(StoreStamp.of(db, Files.getLastModifiedTime(db).to(TimeUnit.NANOSECONDS)), "written in this tick");
        Path wal = tmp.resolve("home/keel.db-wal");
        Files.write(wal, new byte[] {1});
        assertNull(StoreStamp.of(db, later), "commits not yet checkpointed");
        Files.write(wal, new byte[0]);
        assertEquals(settled, StoreStamp.of(db, later), "an empty log holds nothing");
        assertNull(StoreStamp.of(null, later));
    }

    private AddResult add(String name, Path folder) {
        try (Datasets data = Datasets.open(home)) {
            return data.add(name, folder, AddOptions.defaults());
        }
    }

    /** An engine whose store fails on first use: an add that returns through it never opened the store. */
    private Engine storeless() {
        DatasetStore failing = (DatasetStore) Proxy.newProxyInstance(
                DatasetStore.class.getClassLoader(), new Class<?>[] {DatasetStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    throw new StoreOpened();
                });
        return new Engine(
                failing, new LocalBlobStore(home.blobs()), home.cache().resolve("data"), home.database());
    }

    private static final class StoreOpened extends RuntimeException {}

    /**
     * Waits until the database file's times are past the racy window (a tenth of a second on
     * this file system), as they are for any add a person types after the last one.
     */
    private void awaitSettledDatabase() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (StoreStamp.of(home.database(), System.currentTimeMillis() * 1_000_000L) == null) {
            assertTrue(System.nanoTime() < deadline, "the database's times never settled");
            Thread.onSpinWait();
        }
    }

    private static void write(Path p, String content) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setLastModifiedTime(p, OLD);
    }
}
