package dev.keel.data;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkouts on file systems that make copy-on-write clones (btrfs and XFS in a loop file) and on
 * one that does not (tmpfs), mounted as root; skipped where mounting is not allowed or the mkfs
 * tool is missing. A clone shares its blocks with the cache object ({@code filefrag} shows the
 * extents "shared") yet is an independent file: editing it changes nothing stored.
 */
class ReflinkCheckoutTest {
    @TempDir
    Path tmp;

    private static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    }

    /** Makes a {@code type} file system in a sparse loop file and mounts it; skips the test where that fails. */
    private Path mount(String type, String... mkfsOptions) throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve(type));
        if (type.equals("tmpfs")) {
            Assumptions.assumeTrue(
                    sh("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt.toString()) != null,
                    "mounting a tmpfs is not permitted here");
            return mnt;
        }
        Assumptions.assumeTrue(sh("which", "mkfs." + type) != null, "mkfs." + type + " is not installed");
        Path image = tmp.resolve(type + ".img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(320L << 20); // XFS's smallest
        }
        List<String> mkfs = new ArrayList<>(List.of("mkfs." + type, "-q"));
        mkfs.addAll(List.of(mkfsOptions));
        mkfs.add(image.toString());
        Assumptions.assumeTrue(sh(mkfs.toArray(new String[0])) != null, mkfs + " failed");
        Assumptions.assumeTrue(
                sh("mount", "-o", "loop", image.toString(), mnt.toString()) != null,
                "mounting a " + type + " loop file is not permitted here");
        return mnt;
    }

    private static void unmount(Path mnt) throws Exception {
        if (sh("umount", mnt.toString()) == null) {
            sh("umount", "-l", mnt.toString());
        }
    }

    private static Path source(Path root) throws IOException {
        Path src = Files.createDirectories(root.resolve("src"));
        TestTrees.random(src, "train/big.bin", 256 << 10, 1); // above btrfs's inline limit: real extents
        TestTrees.write(src, "notes.txt", "small");
        Path tool = TestTrees.random(src, "tools/run.sh", 16 << 10, 2);
        Files.setPosixFilePermissions(
                tool,
                Set.of(
                        PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE));
        return src;
    }

    private static Path cacheObject(Path home, Path file) throws Exception {
        String hash =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        try (Stream<Path> s = Files.list(home.resolve("cache/data/objects").resolve(hash.substring(0, 2)))) {
            return s.filter(p -> p.getFileName().toString().startsWith(hash.substring(2)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no cache object for " + file));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"btrfs", "xfs"})
    void copiesAreClonesOfTheCacheAndEditingOneChangesNothingStored(String type) throws Exception {
        Path mnt = mount(type);
        try {
            Path src = source(mnt);
            Path home = mnt.resolve("home");
            try (Datasets data = Datasets.open(new KeelHome(home))) {
                data.add("ds", src, null);
                CheckoutResult first = data.checkout("ds:v1", mnt.resolve("first"));
                assertEquals(0, first.cloned(), first.summary());
                assertEquals(3, first.written(), "the first checkout writes from the packs: " + first.summary());

                Path out = mnt.resolve("second");
                CheckoutResult second = data.checkout("ds:v1", out);
                assertEquals(
                        1, second.cloned(), "the first checkout cloned big.bin into the cache: " + second.summary());
                assertEquals(2, second.written(), "files under 128 KiB are written: " + second.summary());
                assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(out));
                Path big = out.resolve("train/big.bin");
                String extents = sh("filefrag", "-v", big.toString());
                Assumptions.assumeTrue(extents != null, "filefrag (e2fsprogs) is not installed");
                assertTrue(extents.contains("shared"), "a clone shares its blocks with the cache object:\n" + extents);
                assertTrue(
                        Files.getPosixFilePermissions(big).contains(PosixFilePermission.OWNER_WRITE),
                        "copies are writable");
                assertTrue(Files.isExecutable(out.resolve("tools/run.sh")));

                Path cached = cacheObject(home, src.resolve("train/big.bin"));
                Map<String, Object> before = Files.readAttributes(cached, "unix:ino,ctime,lastModifiedTime");
                editInPlace(big);
                assertEquals(
                        -1, Files.mismatch(cached, src.resolve("train/big.bin")), "the cache object keeps its bytes");
                assertEquals(
                        before, Files.readAttributes(cached, "unix:ino,ctime,lastModifiedTime"), "nor is it touched");
                VerifyReport report = data.verify(null);
                assertTrue(report.ok(), report.toString());
                assertEquals(0, report.cacheRepaired().size(), "no cache object changed: " + report.cacheRepaired());

                CheckoutResult third = data.checkout("ds:v1", mnt.resolve("third"));
                assertEquals(1, third.cloned(), third.summary());
                assertEquals(0, third.repaired(), "the cache object is trusted, not rewritten");
                assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(mnt.resolve("third")));

                CheckoutResult again = data.checkout("ds:v1", out);
                assertEquals(1, again.cloned(), "the edited file is replaced by a clone: " + again.summary());
                assertEquals(2, again.unchanged(), again.summary());
                assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(out));

                CheckoutResult required = data.checkout("ds:v1", mnt.resolve("fourth"), LinkMode.REFLINK);
                assertEquals(1, required.cloned(), "the small files were not cached yet: " + required.summary());
                CheckoutResult all = data.checkout("ds:v1", mnt.resolve("fifth"), LinkMode.REFLINK);
                assertEquals(3, all.cloned(), "--link reflink clones small files too: " + all.summary());
                assertEquals(0, all.bytesWritten());

                Path used = data.use("run-1", "ds:v1", LinkMode.REFLINK).path();
                assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(used));
                assertTrue(
                        sh("filefrag", "-v", used.resolve("train/big.bin").toString())
                                .contains("shared"),
                        "run.useDataset's folder lives beside the cache, so it always clones where the file system can");
            }
        } finally {
            unmount(mnt);
        }
    }

    @Test
    void withoutClonesCopiesAreWrittenAndReflinkIsRefusedNamingTheFileSystem() throws Exception {
        Path mnt = mount("tmpfs");
        try {
            Path src = source(mnt);
            Path home = mnt.resolve("home");
            try (Datasets data = Datasets.open(new KeelHome(home))) {
                data.add("ds", src, null);
                for (String dir : new String[] {"first", "second"}) {
                    CheckoutResult c = data.checkout("ds:v1", mnt.resolve(dir));
                    assertEquals(0, c.cloned(), c.summary());
                    assertEquals(3, c.written(), c.summary());
                    assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(mnt.resolve(dir)));
                }
                try (Stream<Path> s = Files.walk(home.resolve("cache/data/objects"))) {
                    assertEquals(
                            0,
                            s.filter(Files::isRegularFile).count(),
                            "nothing is cached for copies that cannot clone");
                }
                KeelException e = assertThrows(
                        KeelException.class, () -> data.checkout("ds:v1", mnt.resolve("third"), LinkMode.REFLINK));
                assertEquals(
                        "cannot check out with --link reflink: the file system of " + mnt.resolve("third")
                                + " (tmpfs) does not make copy-on-write clones; check out into a folder on the same btrfs, XFS"
                                + " or bcachefs file system as the Keel home, or use --link copy",
                        e.getMessage());
            }
        } finally {
            unmount(mnt);
        }
    }

    @Test
    void anXfsWithoutReflinkRefusesTheTrialCloneSoCopiesAreWritten() throws Exception {
        Path mnt = mount("xfs", "-m", "reflink=0");
        try {
            Path src = source(mnt);
            try (Datasets data = Datasets.open(new KeelHome(mnt.resolve("home")))) {
                data.add("ds", src, null);
                for (String dir : new String[] {"first", "second"}) {
                    CheckoutResult c = data.checkout("ds:v1", mnt.resolve(dir));
                    assertEquals(0, c.cloned(), c.summary());
                    assertEquals(3, c.written(), c.summary());
                }
                KeelException e = assertThrows(
                        KeelException.class, () -> data.checkout("ds:v1", mnt.resolve("third"), LinkMode.REFLINK));
                assertTrue(
                        e.getMessage()
                                .startsWith("cannot check out with --link reflink: the file system of "
                                        + mnt.resolve("third")
                                        + " (xfs) does not make copy-on-write clones (Operation not supported,"
                                        + " errno 95)"),
                        e.getMessage());
            }
        } finally {
            unmount(mnt);
        }
    }

    @Test
    void aCacheOnAnotherFileSystemMeansCopiesAndReflinkSaysWhy() throws Exception {
        Path mnt = mount("btrfs");
        try {
            Path src = source(tmp);
            try (Datasets data = Datasets.open(new KeelHome(mnt.resolve("home")))) {
                data.add("ds", src, null);
                data.checkout("ds:v1", mnt.resolve("warm"));
                Path elsewhere = tmp.resolve("elsewhere");
                CheckoutResult c = data.checkout("ds:v1", elsewhere);
                assertEquals(0, c.cloned(), c.summary());
                assertEquals(3, c.written(), c.summary());
                assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(elsewhere));
                KeelException e = assertThrows(
                        KeelException.class, () -> data.checkout("ds:v1", tmp.resolve("other"), LinkMode.REFLINK));
                assertTrue(e.getMessage().contains(" (btrfs) are on different file systems"), e.getMessage());
            }
        } finally {
            unmount(mnt);
        }
    }

    /** Overwrites a few bytes of the file where they are (same inode, same size) and puts the mtime back. */
    private static void editInPlace(Path file) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(1000);
            f.write("edited".getBytes(StandardCharsets.UTF_8));
        }
        Files.setLastModifiedTime(file, mtime);
    }
}
