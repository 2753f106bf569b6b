package dev.keel.cli;

import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code keel data push/pull} between two Keel folders through a real server on 127.0.0.1. */
class DataPushPullTest {
    private static final Pattern SENT = Pattern.compile("(sent|fetched) (\\d+) objects?");

    @TempDir
    Path dir;

    private static long count(String out) {
        Matcher m = SENT.matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(2));
    }

    private Path tree(int files, int size) throws IOException {
        Path src = dir.resolve("src");
        Random r = new Random(7);
        for (int i = 0; i < files; i++) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            Files.createDirectories(src.resolve("part" + i % 4));
            Files.write(src.resolve("part" + i % 4).resolve("f" + i + ".bin"), b);
        }
        return src;
    }

    @Test
    void pushThenPullIntoAnotherHomeIsIdempotent() throws Exception {
        Path src = tree(20, 3000);
        Cli laptop = new Cli(dir.resolve("laptop"));
        Cli desktop = new Cli(dir.resolve("desktop"));
        try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
            assertEquals(
                    0,
                    laptop.run("data", "add", "shapes", src.toString(), "-m", "first")
                            .code());
            var push = laptop.run("data", "push", "shapes", server.url());
            assertEquals(0, push.code(), push.err());
            assertTrue(push.out().startsWith("shapes:v1 ("), push.out());
            assertEquals(20, count(push.out()));
            var again = laptop.run("data", "push", "shapes:v1", server.url());
            assertEquals(0, count(again.out()), again.out());
            assertTrue(again.out().contains("already there"), again.out());

            var pull = desktop.run("data", "pull", "shapes:v1", server.url());
            assertEquals(0, pull.code(), pull.err());
            assertEquals(20, count(pull.out()));
            assertEquals(
                    0, count(desktop.run("data", "pull", "shapes", server.url()).out()));
            Path out = dir.resolve("out");
            assertEquals(
                    0,
                    desktop.run("data", "checkout", "shapes:v1", out.toString()).code());
            assertArrayEquals(
                    Files.readAllBytes(src.resolve("part3/f7.bin")), Files.readAllBytes(out.resolve("part3/f7.bin")));
            var log = desktop.run("data", "log", "shapes");
            assertTrue(log.out().contains("first"), log.out());

            var unknown = desktop.run("data", "pull", "nothing", server.url());
            assertNotEquals(0, unknown.code());
            assertTrue(unknown.err().contains("nothing"), unknown.err());
        }
    }

    @Test
    void anInterruptedPushResumesWithoutResendingWhatArrived() throws Exception {
        Path src = tree(48, 64 * 1024);
        Cli laptop = new Cli(dir.resolve("laptop"));
        Cli desktop = new Cli(dir.resolve("desktop"));
        String before = System.getProperty("keel.data.partBytes");
        System.setProperty("keel.data.partBytes", String.valueOf(256 * 1024));
        try (ServerFixture server = new ServerFixture(dir.resolve("server"));
                CuttingProxy proxy = new CuttingProxy(server.port(), 2_000_000)) {
            assertEquals(0, laptop.run("data", "add", "big", src.toString()).code());
            var cut = laptop.run("data", "push", "big", "http://127.0.0.1:" + proxy.port());
            assertNotEquals(0, cut.code(), "the connection was cut mid-push: " + cut.out());
            var resumed = laptop.run("data", "push", "big", server.url());
            assertEquals(0, resumed.code(), resumed.err());
            long sent = count(resumed.out());
            assertTrue(sent > 0 && sent < 48, "only what did not arrive is sent again: " + resumed.out());

            assertEquals(0, desktop.run("data", "pull", "big", server.url()).code());
            Path out = dir.resolve("out");
            assertEquals(
                    0, desktop.run("data", "checkout", "big", out.toString()).code());
            assertArrayEquals(
                    Files.readAllBytes(src.resolve("part1/f45.bin")), Files.readAllBytes(out.resolve("part1/f45.bin")));
        } finally {
            if (before == null) {
                System.clearProperty("keel.data.partBytes");
            } else {
                System.setProperty("keel.data.partBytes", before);
            }
        }
    }

    /** Forwards to the server until {@code limit} request bytes passed, then cuts every connection. */
    static final class CuttingProxy implements AutoCloseable {
        private final ServerSocket listener;
        private final AtomicLong forwarded = new AtomicLong();
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        CuttingProxy(int target, long limit) throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        Socket client = listener.accept();
                        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                        open.add(client);
                        open.add(upstream);
                        pump(client, upstream, limit, true);
                        pump(upstream, client, limit, false);
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void pump(Socket from, Socket to, long limit, boolean counted) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16384];
                try (InputStream in = from.getInputStream();
                        OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        if (counted && forwarded.addAndGet(n) > limit) {
                            cutAll();
                            return;
                        }
                        out.write(buf, 0, n);
                    }
                } catch (IOException e) {
                    // cut or closed
                }
            });
            t.setDaemon(true);
            t.start();
        }

        private void cutAll() {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            cutAll();
        }
    }
}
