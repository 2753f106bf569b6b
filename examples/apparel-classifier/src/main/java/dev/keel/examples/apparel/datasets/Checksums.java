package dev.keel.examples.apparel.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/** Hashing helpers; streams files once, never loads them whole. */
public final class Checksums {
    private Checksums() {}

    /** Hex digest ({@code SHA-256}, {@code MD5}) of a file's bytes as stored. */
    public static String ofFile(Path file, String algorithm) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return digest(in, algorithm);
        }
    }

    /** SHA-256 of a file's content, decompressed first when its name ends in {@code .gz}. */
    public static String contentSha256(Path file) throws IOException {
        try (InputStream in = openContent(file)) {
            return digest(in, "SHA-256");
        }
    }

    /** Opens a file for reading its content, through gunzip when the name ends in {@code .gz}. */
    public static InputStream openContent(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (file.getFileName().toString().endsWith(".gz")) {
            try {
                return new GZIPInputStream(raw, 1 << 16);
            } catch (IOException e) {
                raw.close();
                throw new IOException(
                        file + " is not a valid gzip file (" + e.getMessage()
                                + "); delete it so that it is fetched again",
                        e);
            }
        }
        return raw;
    }

    static String digest(InputStream in, String algorithm) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is not available in this JVM", e);
        }
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
