package dev.keel.data.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The embedded database's files as one string (size, modification and change times in
 * nanoseconds, device and inode of {@code keel.db}), for recognising a database that nothing has
 * written to since: every committed SQLite transaction either sits in the write-ahead log or,
 * once checkpointed, has rewritten the database file, changing its times. So a stamp is only
 * taken when the log is absent or empty, and only when the file's times are older than a clock
 * tick (the racy window of {@link StatCache}): a write in the same tick as an earlier stamp could
 * otherwise leave the times as they were. Null, and so never equal, where any of this cannot be
 * told (no POSIX attributes, a log with content, a file just written).
 */
final class StoreStamp {
    private StoreStamp() {}

    static String of(Path database, long nowNanos) {
        if (database == null) {
            return null;
        }
        try {
            Path wal = database.resolveSibling(database.getFileName() + "-wal");
            try {
                if (Files.readAttributes(wal, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                                .size()
                        != 0) {
                    return null; // a process has written since the last checkpoint, or holds it open
                }
            } catch (NoSuchFileException e) {
                // no log: every commit is in the database file
            }
            Map<String, Object> a = Files.readAttributes(
                    database, "unix:size,lastModifiedTime,ctime,dev,ino", LinkOption.NOFOLLOW_LINKS);
            long mtime = nanos(a.get("lastModifiedTime"));
            long ctime = nanos(a.get("ctime"));
            if (nowNanos - StatCache.racyWindow(mtime) <= Math.max(mtime, ctime)) {
                return null;
            }
            return a.get("size") + "|" + mtime + "|" + ctime + "|" + a.get("dev") + "|" + a.get("ino");
        } catch (IOException | RuntimeException e) {
            return null; // no such file, no unix view: the database is read as usual
        }
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }
}
