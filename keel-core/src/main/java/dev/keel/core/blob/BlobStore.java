package dev.keel.core.blob;

import dev.keel.core.KeelException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Content-addressed storage shared by run files, artifacts, checkpoints and datasets. A blob's
 * address is {@code sha256:<64 lower-case hex>} of its bytes; writing the same bytes twice
 * stores them once. Reads verify the content against the address and fail with
 * {@link CorruptBlobException} on a mismatch, so damage is never passed on silently.
 *
 * <p>Every store tells absent content from a failing store the same way, so that a store that
 * cannot be reached is never taken for an empty one:
 * <ul>
 *   <li><b>absent content</b>: {@link #has} answers false, {@link #size} -1, {@link #delete}
 *       false; {@link #open}, {@link #openRange} and {@link #copyTo} throw
 *       {@link java.nio.file.NoSuchFileException} with "blob ADDRESS is not in STORE" in its
 *       message;</li>
 *   <li><b>storage failure</b> (unreachable, refused, unreadable): the methods that declare
 *       {@link IOException} throw one that is not a {@code NoSuchFileException}; {@link #has} and
 *       {@link #size}, which declare none, throw a {@link dev.keel.core.KeelException} with code
 *       {@code STORAGE_FAILURE} whose cause is the failure;</li>
 *   <li><b>damaged content</b>: reads throw {@link CorruptBlobException}.</li>
 * </ul>
 */
public interface BlobStore {

    /** Stores the stream's bytes; returns their address. Atomic: a blob is whole or absent. */
    String put(InputStream in) throws IOException;

    /**
     * Stores the stream's bytes when they hash to {@code expected} (a sender that knows the
     * address up front, as a dataset upload does), failing with an invalid-input
     * {@link dev.keel.core.KeelException} otherwise. Stores override this to write straight to the address (S3: no copy from a
     * temporary key); the default stores first and compares, leaving a mismatch for gc.
     */
    default String put(InputStream in, String expected) throws IOException {
        Hashes.hex(expected);
        String actual = put(in);
        if (!actual.equals(expected)) {
            throw KeelException.invalid("the bytes sent as " + expected + " hash to " + actual + "; send them again");
        }
        return actual;
    }

    /** Stores a file's bytes; returns their address. */
    String putFile(Path file) throws IOException;

    /** True when the blob is stored; a failing store throws (see the class comment). */
    boolean has(String hash);

    /** Size in bytes, or -1 when absent; a failing store throws (see the class comment). */
    long size(String hash);

    /** A stream over the blob that verifies the hash when fully read, throwing on damage. */
    InputStream open(String hash) throws IOException;

    /**
     * A stream over {@code length} bytes of the blob from {@code offset}, NOT verified (only a
     * whole blob can be checked against its address): callers verify what they read, as dataset
     * objects are verified against their own hashes. Stores override this to read only the range.
     */
    default InputStream openRange(String hash, long offset, long length) throws IOException {
        InputStream whole = open(hash);
        try {
            whole.skipNBytes(offset);
        } catch (IOException | RuntimeException e) {
            whole.close();
            throw e;
        }
        return new FilterInputStream(whole) {
            private long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }

    /**
     * Copies the blob to {@code target}: written beside it, verified while read, then renamed
     * into place, so a damaged blob never replaces an existing target.
     */
    default void copyTo(String hash, Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".keel-", ".tmp");
        try {
            try (InputStream in = open(hash);
                    OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    boolean delete(String hash) throws IOException;

    /** Every stored address; close the stream. */
    Stream<String> list() throws IOException;

    /**
     * Removes what writers killed mid-write left in the store's temporary area and is older than
     * {@code maxAgeMillis} (a store may wait longer where a live write cannot be told apart);
     * never touches a write in flight. Returns how many leftovers were removed. Gc calls it.
     */
    default int sweepTemporaries(long maxAgeMillis) throws IOException {
        return 0;
    }
}
