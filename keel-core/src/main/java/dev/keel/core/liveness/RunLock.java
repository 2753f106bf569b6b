package dev.keel.core.liveness;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A run's {@code lock} file, locked by the process that runs it for as long as it lives. The
 * operating system drops the lock when the process dies, however it dies, so a reader that
 * can take the lock knows the run's process is gone.
 */
public final class RunLock implements AutoCloseable {
    /**
     * Lock files this JVM holds. POSIX drops a process's lock when any descriptor of the file
     * is closed, so this JVM must never open a file it holds the lock of: it asks this set.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or returns null when another process or thread holds it. */
    public static RunLock tryAcquire(Path path) throws IOException {
        Path file = path.toAbsolutePath().normalize();
        if (!HELD.add(file)) {
            return null;
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
        try {
            FileLock l = ch.tryLock();
            if (l != null) {
                return new RunLock(file, ch, l);
            }
        } catch (OverlappingFileLockException e) {
            // held by this JVM
        } catch (IOException | RuntimeException e) {
            HELD.remove(file);
            ch.close();
            throw e;
        }
        HELD.remove(file);
        ch.close();
        return null;
    }

    /**
     * True when a live process (or this JVM) holds the lock; false when it is free or the file
     * is missing. Only reads: works on a read-only folder too.
     */
    public static boolean isHeld(Path path) throws IOException {
        Path file = path.toAbsolutePath().normalize();
        if (HELD.contains(file)) {
            return true;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock l = ch.tryLock(0, Long.MAX_VALUE, true);
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the OS releases it at exit anyway
        } finally {
            HELD.remove(file);
        }
    }
}
