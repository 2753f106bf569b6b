package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.ObjectLocation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Reads objects out of pack blobs by position and checks each against its hash, so a damaged
 * byte is never passed on. Keeps its packs open; not thread-safe: one reader per thread.
 */
final class PackReader implements AutoCloseable {
    private static final HexFormat HEX = HexFormat.of();
    private final LocalBlobStore blobs;
    private final Map<String, FileChannel> open = new HashMap<>();
    private final MessageDigest md = Hashes.sha256();
    private final byte[] window = new byte[4 << 20];
    private String windowPack;
    private long windowStart;
    private int windowLength;

    /** An object that is missing or whose bytes do not match its hash. */
    static final class DamagedObjectException extends IOException {
        final String object;

        DamagedObjectException(String object, String why) {
            super(why);
            this.object = object;
        }
    }

    PackReader(LocalBlobStore blobs) {
        this.blobs = blobs;
    }

    /** The object's bytes, verified. Reads ahead, so callers going through a pack in offset order read it in a few calls. */
    byte[] read(ObjectLocation loc) throws IOException {
        if (loc.length() > Integer.MAX_VALUE) {
            throw new DamagedObjectException(loc.hash(), "object too large");
        }
        byte[] out = new byte[(int) loc.length()];
        if (!loc.pack().equals(windowPack)
                || loc.offset() < windowStart
                || loc.offset() + loc.length() > windowStart + windowLength) {
            if (loc.length() <= window.length) {
                fillWindow(loc);
            } else {
                readFully(loc, ByteBuffer.wrap(out), loc.offset());
            }
        }
        if (loc.length() <= window.length) {
            System.arraycopy(window, (int) (loc.offset() - windowStart), out, 0, out.length);
        }
        String actual = HEX.formatHex(md.digest(out));
        if (!loc.hash().endsWith(actual)) {
            throw new DamagedObjectException(
                    loc.hash(), "its bytes hash to sha256:" + actual + " in pack " + loc.pack());
        }
        return out;
    }

    private void fillWindow(ObjectLocation loc) throws IOException {
        windowPack = null;
        ByteBuffer buf = ByteBuffer.wrap(window);
        FileChannel ch = channel(loc);
        long pos = loc.offset();
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        if (buf.position() < loc.length()) {
            throw new DamagedObjectException(loc.hash(), "pack " + loc.pack() + " is truncated");
        }
        windowPack = loc.pack();
        windowStart = loc.offset();
        windowLength = buf.position();
    }

    private void readFully(ObjectLocation loc, ByteBuffer buf, long pos) throws IOException {
        FileChannel ch = channel(loc);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new DamagedObjectException(loc.hash(), "pack " + loc.pack() + " is truncated");
            }
            pos += n;
        }
    }

    private FileChannel channel(ObjectLocation loc) throws IOException {
        FileChannel ch = open.get(loc.pack());
        if (ch == null) {
            try {
                ch = FileChannel.open(blobs.path(loc.pack()), StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                throw new DamagedObjectException(
                        loc.hash(), "its pack " + loc.pack() + " is missing from " + blobs.root());
            }
            open.put(loc.pack(), ch);
        }
        return ch;
    }

    @Override
    public void close() {
        for (FileChannel ch : open.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                // read-only channel: nothing to lose
            }
        }
        open.clear();
    }
}
