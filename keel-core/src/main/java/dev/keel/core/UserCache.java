package dev.keel.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Keel's per-user cache ({@code $XDG_CACHE_HOME/keel}, else {@code ~/.cache/keel}) for files a
 * process would otherwise recreate on every start, such as native libraries.
 * Whatever is loaded from there must be private to the user, so that nobody else can swap it.
 */
public final class UserCache {
    private UserCache() {}

    /** {@code $XDG_CACHE_HOME/keel/<part>}, else {@code ~/.cache/keel/<part>}; null without a home. */
    public static Path folder(String part) {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "keel", part);
        }
        String home = System.getProperty("user.home");
        if (home == null || home.isBlank() || home.equals("?")) {
            return null;
        }
        return Path.of(home, ".cache", "keel", part);
    }

    /** Whether every path belongs to this user and neither group nor others may write it (links not followed). */
    public static boolean privateToUser(Path... paths) throws IOException {
        String user = System.getProperty("user.name");
        for (Path p : paths) {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> perms = a.permissions();
            if (!a.owner().getName().equals(user)
                    || perms.contains(PosixFilePermission.GROUP_WRITE)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                return false;
            }
        }
        return true;
    }
}
