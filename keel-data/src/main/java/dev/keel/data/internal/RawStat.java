package dev.keel.data.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The mode bits and file identity of a stat the JDK has already made, read from its attributes
 * object rather than through {@code permissions()} (a set built per file) and {@code
 * fileKey().toString()} (a key object, a builder and two strings per file): a scan stats tens of
 * thousands of files in a JVM that has just started, where that garbage and the code making it
 * are a large part of the per-file work. Used only where the JDK's Unix attributes class has the
 * fields expected, and only before Java 23, whose JVMs warn about {@code sun.misc.Unsafe}'s
 * memory access. Unsafe is reached by reflection, so that the build (which warns about any
 * reference to it) has none. The scanner checks each folder's first file against the public
 * API, and any difference turns this off for the process: elsewhere, and then, the public API is
 * used.
 */
final class RawStat {
    /** {@code Unsafe.getInt(Object, long)} and {@code getLong}, bound to the instance; null when off. */
    private static final MethodHandle GET_INT;

    private static final MethodHandle GET_LONG;
    private static final Class<?> TYPE;
    private static final long MODE;
    private static final long DEV;
    private static final long INO;
    private static volatile boolean on;

    static {
        MethodHandle getInt = null;
        MethodHandle getLong = null;
        Class<?> type = null;
        long mode = -1;
        long dev = -1;
        long ino = -1;
        try {
            if (Runtime.version().feature() < 23) {
                type = Class.forName("sun.nio.fs.UnixFileAttributes");
                Field m = type.getDeclaredField("st_mode");
                Field d = type.getDeclaredField("st_dev");
                Field i = type.getDeclaredField("st_ino");
                if (m.getType() == int.class && d.getType() == long.class && i.getType() == long.class) {
                    Class<?> unsafeType = Class.forName("sun.misc.Unsafe");
                    Field f = unsafeType.getDeclaredField("theUnsafe");
                    f.setAccessible(true);
                    Object unsafe = f.get(null);
                    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                    MethodHandle offset = lookup.findVirtual(
                                    unsafeType, "objectFieldOffset", MethodType.methodType(long.class, Field.class))
                            .bindTo(unsafe);
                    mode = (long) offset.invokeExact(m);
                    dev = (long) offset.invokeExact(d);
                    ino = (long) offset.invokeExact(i);
                    getInt = lookup.findVirtual(
                                    unsafeType, "getInt", MethodType.methodType(int.class, Object.class, long.class))
                            .bindTo(unsafe);
                    getLong = lookup.findVirtual(
                                    unsafeType, "getLong", MethodType.methodType(long.class, Object.class, long.class))
                            .bindTo(unsafe);
                }
            }
        } catch (Throwable e) {
            getInt = null; // another JDK: the public API
        }
        GET_INT = getInt;
        GET_LONG = getLong;
        TYPE = type;
        MODE = mode;
        DEV = dev;
        INO = ino;
        on = getInt != null;
    }

    private RawStat() {}

    /** Whether {@code attrs} can be read here. */
    static boolean usable(BasicFileAttributes attrs) {
        return on && attrs.getClass() == TYPE;
    }

    /** Whether the reads are (still) on: the JDK has the fields and no check has failed. */
    static boolean active() {
        return on;
    }

    /** Turns the reads off for the rest of the process: a check against the public API failed. */
    static void off() {
        on = false;
    }

    /** Whether the owner's execute bit is set ({@link #usable} attributes only). */
    static boolean ownerExecutable(BasicFileAttributes attrs) {
        try {
            return ((int) GET_INT.invokeExact((Object) attrs, MODE) & 0100) != 0;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The device number ({@link #usable} attributes only). */
    static long dev(BasicFileAttributes attrs) {
        return getLong(attrs, DEV);
    }

    /** The inode number ({@link #usable} attributes only). */
    static long ino(BasicFileAttributes attrs) {
        return getLong(attrs, INO);
    }

    private static long getLong(BasicFileAttributes attrs, long offset) {
        try {
            return (long) GET_LONG.invokeExact((Object) attrs, offset);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
