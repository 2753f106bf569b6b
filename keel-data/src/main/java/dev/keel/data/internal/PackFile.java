package dev.keel.data.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file a pack is written to, opened for direct I/O (O_DIRECT) where the file system allows:
 * a pack is written once and not read back soon, so passing through the page cache only adds a
 * copy and leaves the final fsync a large backlog to write. Direct writes must be whole blocks
 * from aligned memory, so each write is copied into an aligned staging buffer and the last one
 * padded to a block, the padding cut off again by {@link #finish}. Where direct I/O is refused (tmpfs, some FUSE
 * and network file systems) or switched off ({@code -Dkeel.data.directIo=false}), it writes
 * through the page cache. Durability is the same either way: nothing counts until
 * {@link #force} (fsync) has returned. Writes come from one thread at a time.
 */
final class PackFile implements AutoCloseable {
    /** O_DIRECT, from the JDK's jdk.unsupported module; null where that is absent or switched off. */
    private static final OpenOption DIRECT = directOption();
    /** Largest block size used direct; callers write multiples of it (their buffers are whole MiB). */
    static final int MAX_ALIGN = 64 << 10;

    private final Path file;
    private FileChannel channel;
    /** Block size direct writes must be a multiple of; 0 when writing through the page cache. */
    private int align;

    private ByteBuffer staging;
    private long length;

    private PackFile(Path file, FileChannel channel, int align) {
        this.file = file;
        this.channel = channel;
        this.align = align;
    }

    static PackFile create(Path file) throws IOException {
        return create(file, true);
    }

    /** @param allowDirect false to write through the page cache whatever the file system */
    static PackFile create(Path file, boolean allowDirect) throws IOException {
        if (allowDirect && DIRECT != null) {
            try {
                long align = Files.getFileStore(file).getBlockSize();
                if (align > 0 && align <= MAX_ALIGN && Long.bitCount(align) == 1) {
                    return new PackFile(file, FileChannel.open(file, StandardOpenOption.WRITE, DIRECT), (int) align);
                }
            } catch (IOException | UnsupportedOperationException e) {
                // Refused by this file system: write through the page cache.
            }
        }
        return new PackFile(file, FileChannel.open(file, StandardOpenOption.WRITE), 0);
    }

    boolean direct() {
        return align > 0;
    }

    /** Appends {@code len} bytes; all but the last write of a file must be whole multiples of {@link #MAX_ALIGN}. */
    void write(byte[] src, int off, int len) throws IOException {
        if (align == 0) {
            writeFully(ByteBuffer.wrap(src, off, len));
        } else {
            int padded = (len + align - 1) & -align;
            if (staging == null || staging.capacity() < padded) {
                staging = ByteBuffer.allocateDirect(padded + align).alignedSlice(align);
            }
            if (length % align != 0) {
                throw new IllegalStateException("a direct write after a partial block");
            }
            staging.clear().put(src, off, len);
            while (staging.position() < padded) {
                staging.put((byte) 0);
            }
            staging.flip();
            try {
                writeFully(staging);
            } catch (IOException e) {
                // Some file systems take O_DIRECT at open and refuse the writes (EINVAL): go on
                // through the page cache from the last whole write. A real disk error (full,
                // failing) fails again there and is reported as such.
                toPageCache();
                writeFully(ByteBuffer.wrap(src, off, len));
            }
        }
        length += len;
    }

    /** A direct buffer aligned for {@link #writeStaged}, with room to pad its last write to a block. */
    static ByteBuffer stagingBuffer(int capacity) {
        return ByteBuffer.allocateDirect(capacity + 2 * MAX_ALIGN)
                .alignedSlice(MAX_ALIGN)
                .limit(capacity);
    }

    /**
     * Appends the bytes between {@code src}'s position and limit without copying them again;
     * {@code src} comes from {@link #stagingBuffer} and starts at its beginning. As with
     * {@link #write}, all but the last write of a file must be whole multiples of {@link #MAX_ALIGN}.
     */
    void writeStaged(ByteBuffer src) throws IOException {
        int len = src.remaining();
        if (align == 0) {
            writeFully(src);
        } else {
            if (length % align != 0) {
                throw new IllegalStateException("a direct write after a partial block");
            }
            int start = src.position();
            int padded = (len + align - 1) & -align;
            src.limit(start + padded);
            for (int i = start + len; i < start + padded; i++) {
                src.put(i, (byte) 0);
            }
            try {
                writeFully(src);
            } catch (IOException e) {
                // As in write: a file system that took O_DIRECT at open may still refuse the writes.
                toPageCache();
                writeFully(src.limit(start + len).position(start));
            }
        }
        length += len;
    }

    /** Reopens the file without O_DIRECT, keeping the {@link #length} bytes written so far. */
    void toPageCache() throws IOException {
        channel.close();
        channel = FileChannel.open(file, StandardOpenOption.WRITE);
        channel.truncate(length);
        channel.position(length);
        align = 0;
    }

    /** Cuts the padding of the last direct write off, then fsyncs the file's data and length. */
    void force() throws IOException {
        if (channel.size() != length) {
            channel.truncate(length);
        }
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static OpenOption directOption() {
        if ("false".equals(System.getProperty("keel.data.directIo"))) {
            return null;
        }
        try {
            Class<?> c = Class.forName("com.sun.nio.file.ExtendedOpenOption");
            for (Object o : c.getEnumConstants()) {
                if (((Enum<?>) o).name().equals("DIRECT")) {
                    return (OpenOption) o;
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // A runtime without jdk.unsupported: page cache only.
        }
        return null;
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }
}
