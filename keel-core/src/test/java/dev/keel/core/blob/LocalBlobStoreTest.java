package dev.keel.core.blob;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalBlobStoreTest extends BlobStoreContractTest {
    private Path root;

    @Override
    protected BlobStore createStore() {
        root = tmp.resolve("blobs");
        return new LocalBlobStore(root);
    }

    /** Its root is a regular file: every path below it fails with "not a directory". */
    @Override
    protected BlobStore brokenStore() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        return new LocalBlobStore(file);
    }

    @Override
    protected void flipByte(String hash, long offset) throws IOException {
        Path file = ((LocalBlobStore) store).path(hash);
        assertTrue(file.toFile().setWritable(true));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x01);
        }
    }

    @Override
    protected void assertNoTemporaries() throws IOException {
        Path tmpDir = root.resolve("tmp");
        if (Files.isDirectory(tmpDir)) {
            try (Stream<Path> s = Files.list(tmpDir)) {
                assertEquals(0, s.count(), "temporary files left in " + tmpDir);
            }
        }
    }

    @Override
    protected String location() {
        return root.toString();
    }

    @Test
    void blobsLiveAtTheShardedPathOfTheirAddress() throws IOException {
        String hash = store.put(new ByteArrayInputStream(new byte[] {42}));
        String hex = Hashes.hex(hash);
        assertTrue(Files.isRegularFile(
                root.resolve("sha256").resolve(hex.substring(0, 2)).resolve(hex.substring(2))));
    }

    @Test
    void foldersAndFileUrisOpenALocalStore() {
        assertInstanceOf(LocalBlobStore.class, BlobStores.open(root.toString()));
        LocalBlobStore viaUri = (LocalBlobStore) BlobStores.open(root.toUri().toString());
        assertEquals(root.toAbsolutePath(), viaUri.root().toAbsolutePath());
    }

    @Test
    void unknownSchemesAreNotTakenForFolders() {
        var e = Assertions.assertThrows(KeelException.class, () -> BlobStores.open("gs://bucket/blobs"));
        assertEquals("no blob store handles 'gs://bucket/blobs': use a folder or s3://bucket[/prefix]", e.getMessage());
    }
}
