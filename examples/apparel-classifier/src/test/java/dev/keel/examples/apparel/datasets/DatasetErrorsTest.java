package dev.keel.examples.apparel.datasets;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Corrupt, truncated and missing files each get a clear message; downloads go through a loopback server. */
class DatasetErrorsTest {
    @TempDir
    Path tmp;

    private static byte[] idx(int... dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + (int) n);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.array();
    }

    @Test
    void badMagicNumberIsNamed() {
        byte[] bytes = idx(2, 28, 28);
        bytes[0] = 0x1f;
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.parse(bytes, "x.idx", -1, 28, 28));
        assertTrue(e.getMessage().startsWith("x.idx: bad IDX magic number 0x1f000803"), e.getMessage());
    }

    @Test
    void truncatedAndTrailingDataAreNamed() {
        byte[] full = idx(3, 28, 28);
        DatasetException cut = assertThrows(
                DatasetException.class, () -> Idx.parse(Arrays.copyOf(full, full.length - 10), "t.idx", -1, 28, 28));
        assertEquals("t.idx: truncated: 2358 bytes, the header [3, 28, 28] announces 2368", cut.getMessage());
        DatasetException extra = assertThrows(
                DatasetException.class, () -> Idx.parse(Arrays.copyOf(full, full.length + 1), "t.idx", -1, 28, 28));
        assertTrue(extra.getMessage().contains("trailing bytes"), extra.getMessage());
        DatasetException header =
                assertThrows(DatasetException.class, () -> Idx.parse(new byte[] {0, 0, 8, 3, 0}, "h.idx", -1, 28, 28));
        assertTrue(header.getMessage().contains("truncated IDX header"), header.getMessage());
    }

    @Test
    void wrongDimensionsAreNamed() {
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.parse(idx(2, 32, 32), "d.idx", -1, 28, 28));
        assertEquals("d.idx: dimension 1 is 32, expected 28", e.getMessage());
        DatasetException rank = assertThrows(DatasetException.class, () -> Idx.parse(idx(2), "r.idx", -1, 28, 28));
        assertEquals("r.idx: IDX file has 1 dimensions, expected 3", rank.getMessage());
    }

    @Test
    void aCorruptLocalCopyIsSkippedForTheMirror() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.write(data.resolve("t10k-labels-idx1-ubyte"), idx(10000)); // right shape, wrong content
        TestDataset ds = new TestDataset(FashionMnistDataset.defaultSpec(), data);
        byte[] labels = ds.readKey("test-labels");
        assertEquals(10008, labels.length);
        assertEquals(
                FashionMnistDataset.defaultSpec().mirror().resolve("t10k-labels-idx1-ubyte.gz"),
                ds.sources().get("t10k-labels-idx1-ubyte"));
    }

    @Test
    void neitherCopyNorDownloadGivesBothRemedies() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        DatasetSpec spec = FashionMnistDataset.defaultSpec()
                .withSources(List.of(URI.create("http://127.0.0.1:" + closedPort + "/")), tmp.resolve("no-mirror"));
        Files.write(
                Files.createDirectories(tmp.resolve("data")).resolve("t10k-labels-idx1-ubyte.gz"),
                new byte[] {1, 2, 3});
        TestDataset ds = new TestDataset(spec, tmp.resolve("data"));
        DatasetException e = assertThrows(DatasetException.class, () -> ds.readKey("test-labels"));
        String m = e.getMessage();
        assertTrue(m.contains("no usable copy of t10k-labels-idx1-ubyte.gz"), m);
        assertTrue(m.contains("not a valid gzip file"), m);
        assertTrue(m.contains("cannot connect"), m);
        assertTrue(m.contains("sudo apt-get install dataset-fashion-mnist"), m);
        assertTrue(
                m.contains("download the files by hand from http://127.0.0.1:" + closedPort + "/ into "
                        + tmp.resolve("data")),
                m);
    }

    @Test
    void downloadsAreVerifiedBeforeTheyAreKept() throws IOException {
        byte[] good =
                Files.readAllBytes(FashionMnistDataset.defaultSpec().mirror().resolve("t10k-labels-idx1-ubyte.gz"));
        byte[] raw;
        try (var in = Checksums.openContent(
                FashionMnistDataset.defaultSpec().mirror().resolve("t10k-labels-idx1-ubyte.gz"))) {
            raw = in.readAllBytes();
        }
        raw[100] ^= 1;
        ByteArrayOutputStream corrupt = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(corrupt)) {
            gz.write(raw);
        }
        Map<String, byte[]> served = new LinkedHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = served.get(ex.getRequestURI().getPath().substring(1));
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            ex.close();
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            DatasetSpec official =
                    FashionMnistDataset.defaultSpec().withSources(List.of(base), tmp.resolve("no-mirror"));
            // the served archive is Debian's recompressed copy: same content, so accept its MD5 for this test
            DatasetSpec.FileSpec f = official.files().get("test-labels");
            Map<String, DatasetSpec.FileSpec> files = new LinkedHashMap<>(official.files());
            files.put(
                    "test-labels",
                    new DatasetSpec.FileSpec(
                            f.key(),
                            f.fileName(),
                            f.sha256(),
                            Checksums.digest(new ByteArrayInputStream(good), "MD5"),
                            f.bytes()));
            DatasetSpec spec = new DatasetSpec(
                    official.name(),
                    official.urls(),
                    official.mirror(),
                    official.mirrorPackage(),
                    official.classes(),
                    files);

            served.put("t10k-labels-idx1-ubyte.gz", corrupt.toByteArray());
            Path data = tmp.resolve("data");
            DatasetException e =
                    assertThrows(DatasetException.class, () -> new TestDataset(spec, data).readKey("test-labels"));
            assertTrue(e.getMessage().contains("checksum mismatch: MD5"), e.getMessage());
            assertFalse(Files.exists(data.resolve("t10k-labels-idx1-ubyte.gz")), "a bad download must not be kept");

            served.put("t10k-labels-idx1-ubyte.gz", good);
            TestDataset ok = new TestDataset(spec, data);
            assertEquals(10008, ok.readKey("test-labels").length);
            assertTrue(Files.exists(data.resolve("t10k-labels-idx1-ubyte.gz")));
            try (var files2 = Files.list(data)) {
                assertEquals(1, files2.count(), "no temporary file left behind");
            }
        } finally {
            server.stop(0);
        }
    }

    private static final class TestDataset extends Dataset {
        TestDataset(DatasetSpec spec, Path dir) {
            super(spec, dir);
        }

        byte[] readKey(String key) {
            return read(key);
        }
    }
}
