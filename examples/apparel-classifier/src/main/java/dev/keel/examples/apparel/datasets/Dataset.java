package dev.keel.examples.apparel.datasets;

import dev.keel.examples.apparel.console.ProgressBar;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the datasets: finds each file of a {@link DatasetSpec} locally or downloads it, and
 * hands out its verified, uncompressed bytes.
 *
 * <p>Where a file is looked for, in order: the data folder ({@code ~/.keel/datasets/NAME} unless
 * given; a {@code .gz} or an unpacked copy), then the distribution mirror (Debian's
 * {@code dataset-fashion-mnist} installs {@code /usr/share/datasets/fashion-mnist}), then the
 * official URLs. A local copy is always tried first so the network is touched only when
 * nothing usable is on disk. Every copy is checked against the SHA-256 of its uncompressed
 * bytes; a copy that fails the check is skipped (and named) rather than used.
 *
 * <p>Downloads are polite: a 5-second connect timeout; a host that cannot be reached is not
 * retried, a transfer that breaks or fails its checksum is retried once after a pause. Files are
 * written to a temporary name and moved into place only once verified, so an interrupted
 * download never leaves a file that looks complete. When every source fails, the error lists
 * what was tried and both remedies.
 */
public abstract class Dataset {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int ATTEMPTS_PER_URL = 2;

    private final DatasetSpec spec;
    private final Path dataDir;
    private final boolean onlyDataDir;
    private final Map<String, String> checksums = new LinkedHashMap<>();
    private final Map<String, Path> sources = new LinkedHashMap<>();

    protected Dataset(DatasetSpec spec, Path dataDir) {
        this(spec, dataDir, false);
    }

    /**
     * With {@code onlyDataDir}, files are read from {@code dataDir} alone, never from the mirror
     * or the network: for a folder that must be the whole dataset, such as a Keel dataset version.
     */
    protected Dataset(DatasetSpec spec, Path dataDir, boolean onlyDataDir) {
        this.spec = spec;
        this.dataDir = dataDir == null ? defaultDataDir(spec.name()) : dataDir;
        this.onlyDataDir = onlyDataDir;
    }

    /** {@code $KEEL_DATA_DIR/NAME} when that variable is set, else {@code ~/.keel/datasets/NAME}. */
    public static Path defaultDataDir(String name) {
        String env = System.getenv("KEEL_DATA_DIR");
        Path root = env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".keel", "datasets");
        return root.resolve(name);
    }

    public DatasetSpec spec() {
        return spec;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** SHA-256 of the uncompressed bytes of every file read so far, by file name: the dataset's version. */
    public synchronized Map<String, String> checksums() {
        return Map.copyOf(checksums);
    }

    /** Where each file read so far came from. */
    public synchronized Map<String, Path> sources() {
        return Map.copyOf(sources);
    }

    /** The verified uncompressed bytes of one file, from the first source that has a good copy. */
    protected synchronized byte[] read(String key) {
        DatasetSpec.FileSpec file = spec.files().get(key);
        if (file == null) {
            throw new IllegalArgumentException("dataset " + spec.name() + " has no file '" + key + "'");
        }
        List<String> tried = new ArrayList<>();
        List<Path> candidates = onlyDataDir
                ? List.of(dataDir.resolve(file.fileName()), dataDir.resolve(file.rawName()))
                : List.of(
                        dataDir.resolve(file.fileName()),
                        dataDir.resolve(file.rawName()),
                        spec.mirror().resolve(file.fileName()),
                        spec.mirror().resolve(file.rawName()));
        for (Path candidate : candidates) {
            if (!Files.isRegularFile(candidate)) {
                continue;
            }
            try {
                byte[] bytes = readVerified(candidate, file);
                remember(file, candidate);
                return bytes;
            } catch (IOException | DatasetException e) {
                tried.add(candidate + ": " + e.getMessage());
            }
        }
        if (onlyDataDir) {
            throw new DatasetException("dataset " + spec.name() + " in " + dataDir + " has no usable " + file.rawName()
                    + (tried.isEmpty() ? " (no such file)" : ": " + String.join("; ", tried))
                    + ". A Keel version of it must hold the four IDX files: register one with ./run register");
        }
        Path downloaded = download(file, tried);
        try {
            byte[] bytes = readVerified(downloaded, file);
            remember(file, downloaded);
            return bytes;
        } catch (IOException e) {
            throw new DatasetException("cannot read downloaded " + downloaded + ": " + e.getMessage(), e);
        }
    }

    /** Records a file that changes the data beyond the spec's files (e.g. relabels), by name. */
    protected synchronized void remember(String name, String sha256, Path source) {
        checksums.put(name, sha256);
        sources.put(name, source);
    }

    private void remember(DatasetSpec.FileSpec file, Path source) {
        checksums.put(file.rawName(), file.sha256());
        sources.put(file.rawName(), source);
    }

    /** Reads and decompresses a candidate, and checks its length and SHA-256. */
    private static byte[] readVerified(Path candidate, DatasetSpec.FileSpec file) throws IOException {
        byte[] bytes;
        try (InputStream in = Checksums.openContent(candidate)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream((int) Math.min(file.bytes(), Integer.MAX_VALUE - 8));
            in.transferTo(buf);
            bytes = buf.toByteArray();
        } catch (EOFException e) {
            throw new IOException("truncated archive (unexpected end of the gzip stream)", e);
        }
        if (bytes.length != file.bytes()) {
            throw new DatasetException(
                    "size mismatch: " + bytes.length + " bytes uncompressed, expected " + file.bytes());
        }
        String actual = sha256(bytes);
        if (!actual.equals(file.sha256())) {
            throw new DatasetException("checksum mismatch: SHA-256 " + actual + ", expected " + file.sha256());
        }
        return bytes;
    }

    private Path download(DatasetSpec.FileSpec file, List<String> tried) {
        Path target = dataDir.resolve(file.fileName());
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        for (URI base : spec.urls()) {
            URI url = base.resolve(file.fileName());
            for (int attempt = 1; attempt <= ATTEMPTS_PER_URL; attempt++) {
                try {
                    fetch(client, url, target, file);
                    return target;
                } catch (ConnectException | HttpConnectTimeoutException | UnknownHostException e) {
                    tried.add(url + ": cannot connect (" + e.getClass().getSimpleName() + ")");
                    break; // an unreachable host is not asked again
                } catch (IOException | DatasetException e) {
                    tried.add(url + " (attempt " + attempt + "): " + e.getMessage());
                    pause(attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DatasetException("download of " + url + " was interrupted", e);
                }
            }
        }
        throw new DatasetException(notFoundMessage(file, tried));
    }

    private void fetch(HttpClient client, URI url, Path target, DatasetSpec.FileSpec file)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(60))
                .GET()
                .build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(
                    target.getParent(), ".part-", "-" + file.fileName()); // keeps the .gz suffix for reading
            try {
                MessageDigest md5 = MessageDigest.getInstance("MD5");
                ProgressBar bar = ProgressBar.of("download " + file.fileName(), Math.max(length, 0) / 1024, "KiB");
                long done = 0;
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = body.read(buf)) > 0; ) {
                        out.write(buf, 0, n);
                        md5.update(buf, 0, n);
                        done += n;
                        bar.update(done / 1024, null);
                    }
                }
                bar.finish(null);
                if (length >= 0 && done != length) {
                    throw new IOException("transfer ended after " + done + " of " + length + " bytes");
                }
                String actualMd5 = HexFormat.of().formatHex(md5.digest());
                if (file.fileName().endsWith(".gz") && !actualMd5.equals(file.md5())) {
                    throw new DatasetException("checksum mismatch: MD5 " + actualMd5 + ", expected " + file.md5());
                }
                readVerified(tmp, file);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("MD5 is not available in this JVM", e);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private String notFoundMessage(DatasetSpec.FileSpec file, List<String> tried) {
        StringBuilder m = new StringBuilder("dataset ")
                .append(spec.name())
                .append(": no usable copy of ")
                .append(file.fileName())
                .append(" was found and it could not be downloaded.\nTried:\n");
        for (String t : tried) {
            m.append("  - ").append(t).append('\n');
        }
        if (tried.isEmpty()) {
            m.append("  - (no source)\n");
        }
        m.append("Fix it either way:\n")
                .append("  1. install the distribution copy: sudo apt-get install ")
                .append(spec.mirrorPackage())
                .append(" (files in ")
                .append(spec.mirror())
                .append(")\n")
                .append("  2. or download the files by hand from ")
                .append(spec.urls().get(0))
                .append(" into ")
                .append(dataDir);
        return m.toString();
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(1000L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
