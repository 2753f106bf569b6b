package dev.keel.data.internal;

import dev.keel.core.KeelException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps gc from deleting objects that a concurrent add has just deduplicated against: adds hold
 * the lock shared, gc exclusive — across threads (a read-write lock) and processes (a file lock
 * on {@code blobs/datasets.lock}).
 */
final class DataLock {
    private final Path file;
    private final ReentrantReadWriteLock local = new ReentrantReadWriteLock();

    DataLock(Path file) {
        this.file = file;
    }

    interface Work<T> {
        T run() throws IOException;
    }

    <T> T shared(Work<T> work) throws IOException {
        return hold(true, work);
    }

    <T> T exclusive(Work<T> work) throws IOException {
        return hold(false, work);
    }

    @SuppressWarnings("try") // the file lock is held for the block, not used in it
    private <T> T hold(boolean shared, Work<T> work) throws IOException {
        var l = shared ? local.readLock() : local.writeLock();
        l.lock();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(
                            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock fl = lockFile(ch, shared)) {
                return work.run();
            }
        } finally {
            l.unlock();
        }
    }

    private static FileLock lockFile(FileChannel ch, boolean shared) throws IOException {
        try {
            return ch.lock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException e) {
            // Another thread of this JVM holds a shared lock already; the in-process lock orders us.
            return null;
        } catch (IOException e) {
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE, "cannot lock " + ch + ": " + e.getMessage(), e);
        }
    }
}
