package dev.keel.internal.console;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/** The few POSIX calls that capturing a file descriptor needs, through JNA (already on the class path for OSHI). */
interface LibC extends Library {
    int EINTR = 4; // the same on Linux and macOS

    int dup(int fd);

    int dup2(int from, int to);

    int pipe(int[] fds);

    long read(int fd, byte[] buffer, long count);

    long write(int fd, byte[] buffer, long count);

    int close(int fd);

    /** The C library, or an exception saying why it cannot be used here. */
    static LibC load() {
        if (!Platform.isLinux() && !Platform.isMac()) {
            throw new UnsupportedOperationException(
                    "file descriptors are captured on Linux and macOS only, not " + System.getProperty("os.name"));
        }
        if (Native.SIZE_T_SIZE != Long.BYTES) {
            throw new UnsupportedOperationException("a 64-bit JVM is needed to capture file descriptors");
        }
        return Native.load(Platform.C_LIBRARY_NAME, LibC.class);
    }
}
