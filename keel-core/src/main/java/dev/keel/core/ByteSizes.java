package dev.keel.core;

import java.util.Locale;

/**
 * Byte counts for people, the one convention of the CLI and the dashboard: IEC binary units
 * with one decimal ({@code 512 B}, {@code 1.5 KiB}, {@code 52.4 MiB}, {@code 10.0 GiB}).
 */
public final class ByteSizes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};

    private ByteSizes() {}

    public static String iec(long bytes) {
        if (bytes < 0) {
            return "-" + iec(bytes == Long.MIN_VALUE ? Long.MAX_VALUE : -bytes);
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes / 1024.0;
        int u = 0;
        // 1048575 bytes is 1.0 MiB, not "1024.0 KiB": move up once the one-decimal value reaches 1024
        while (v >= 1023.95 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }
}
