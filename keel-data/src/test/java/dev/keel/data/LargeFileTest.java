package dev.keel.data;

import dev.keel.core.KeelHome;
import dev.keel.core.blob.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Content-defined chunking: a local edit in a large file stores only the chunks around it. */
class LargeFileTest {
    private static final int SIZE = 24 << 20;

    @TempDir
    Path tmp;

    @Test
    void changingOneMiBInTheMiddleStoresAboutOneMiBAndInsertionsShiftNothingElse() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path big = TestTrees.random(src, "weights.bin", SIZE, 11);
        try (Datasets data = Datasets.open(new KeelHome(tmp.resolve("home")))) {
            AddResult v1 = data.add("big", src, null);
            assertEquals(SIZE, v1.bytesStored(), "first version stores everything once");
            FileEntry entry = data.show("big").files().get(0);
            assertTrue(entry.chunks() > SIZE / (256 << 10), "stored as chunks: " + entry.chunks());
            assertEquals(Hashes.of(Files.readAllBytes(big)), entry.hash(), "the entry's hash is the file's SHA-256");

            byte[] mib = new byte[1 << 20];
            new Random(5).nextBytes(mib);
            try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
                raf.seek(SIZE / 2);
                raf.write(mib);
            }
            AddResult v2 = data.add("big", src, null);
            assertEquals(1, v2.modified());
            assertTrue(
                    v2.bytesStored() >= (1 << 20) && v2.bytesStored() <= (2 << 20),
                    "a 1 MiB edit stores between 1 and 2 MiB, stored " + v2.bytesStored());

            byte[] all = Files.readAllBytes(big);
            byte[] shifted = new byte[all.length + 100];
            System.arraycopy(all, 0, shifted, 100, all.length);
            Files.write(big, shifted);
            AddResult v3 = data.add("big", src, null);
            assertTrue(
                    v3.bytesStored() < (512 << 10),
                    "an insertion at the start re-stores only the first chunks: " + v3.bytesStored());

            for (String ref : new String[] {"big:v1", "big:v2", "big:v3"}) {
                Path out = tmp.resolve("out-" + ref.replace(':', '-'));
                data.checkout(ref, out, LinkMode.COPY);
                assertEquals(
                        data.show(ref).files().get(0).hash(),
                        Hashes.of(Files.readAllBytes(out.resolve("weights.bin"))));
            }
            assertEquals(shifted.length, Files.size(tmp.resolve("out-big-v3/weights.bin")));
            assertTrue(data.verify(null).ok());
        }
    }
    /** At least a full pack (64 MiB): the file gets a pack of its own whose address is its own hash. */
    @Test
    void aFileOfAFullPackIsStoredAsItsOwnPackAndReadsBackThroughEveryPath() throws Exception {
        int size = (64 << 20) + 12_345;
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path big = TestTrees.random(src, "model.bin", size, 17);
        KeelHome home = new KeelHome(tmp.resolve("home"));
        try (Datasets data = Datasets.open(home)) {
            AddResult v1 = data.add("big", src, null);
            assertEquals(size, v1.bytesStored());
            String hash = data.show("big").files().get(0).hash();
            assertEquals(Hashes.of(Files.readAllBytes(big)), hash);
            Path pack = home.blobs()
                    .resolve("sha256")
                    .resolve(Hashes.hex(hash).substring(0, 2))
                    .resolve(Hashes.hex(hash).substring(2));
            assertTrue(Files.isRegularFile(pack), "the pack is at the file's own address");
            assertEquals(size, Files.size(pack));

            byte[] mib = new byte[1 << 20];
            new Random(6).nextBytes(mib);
            try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
                raf.seek(size / 3);
                raf.write(mib);
            }
            AddResult v2 = data.add("big", src, null);
            assertTrue(
                    v2.bytesStored() >= (1 << 20) && v2.bytesStored() <= (2 << 20),
                    "a 1 MiB edit stores between 1 and 2 MiB, stored " + v2.bytesStored());
            for (String ref : new String[] {"big:v1", "big:v2"}) {
                Path out = tmp.resolve("out-" + ref.replace(':', '-'));
                data.checkout(ref, out, LinkMode.COPY);
                assertEquals(
                        data.show(ref).files().get(0).hash(), Hashes.of(Files.readAllBytes(out.resolve("model.bin"))));
            }
            assertTrue(data.verify(null).ok());
        }
    }
}
