package dev.keel.cli.view;

import dev.keel.core.Json;
import dev.keel.core.JsonText;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How values, times and durations look in tables: short for people, exact for CSV. */
public final class Values {
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter LOCAL_TIME_MS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final MathContext SHORT = new MathContext(4);
    private static final Pattern HASH = Pattern.compile("(?:[a-z0-9]+:)?([0-9a-fA-F]{32,})");

    private Values() {}

    /**
     * A value for a table cell: numbers to 4 significant digits (whole numbers whole), NaN/Infinity
     * by name, hashes ({@code sha256:…} or 32+ hex digits) by their first 8 hex digits and "…".
     */
    public static String brief(Object value) {
        if (value instanceof String s) {
            Matcher hash = HASH.matcher(s);
            if (hash.matches()) {
                return hash.group(1).substring(0, 8) + "…";
            }
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                return JsonText.nonFiniteName(d);
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            double abs = Math.abs(d);
            if (abs >= 1e-4 && abs < 1e12) {
                return new BigDecimal(d).round(SHORT).stripTrailingZeros().toPlainString();
            }
            return String.format(Locale.ROOT, "%.4e", d);
        }
        return exact(value);
    }

    /**
     * A number as it was logged: whole numbers without ".0" ({@code epoch 5}), and a float that was
     * widened to a double by its shortest float form ({@code 0.9044}, not {@code 0.9043999910354614});
     * other values as {@link #exact}.
     */
    public static String asLogged(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                return JsonText.nonFiniteName(d);
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            if ((double) (float) d == d) {
                return Float.toString((float) d);
            }
            return Double.toString(d);
        }
        return exact(value);
    }

    /** A value written out in full (CSV): numbers as Java prints them, trees as JSON. */
    public static String exact(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d && !Double.isFinite(d)) {
            return JsonText.nonFiniteName(d);
        }
        if (value instanceof Float f && !Float.isFinite(f)) {
            return JsonText.nonFiniteName(f);
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return Json.write(value);
        }
        return value.toString();
    }

    public static boolean isNumber(Object value) {
        return value instanceof Number;
    }

    /** Epoch ms as local date and time, empty for 0. */
    public static String time(long epochMs) {
        if (epochMs <= 0) {
            return "";
        }
        return LOCAL_TIME.format(Instant.ofEpochMilli(epochMs).atZone(ZoneId.systemDefault()));
    }

    /** Epoch ms as local date and time to the millisecond (metric points), empty for 0. */
    public static String preciseTime(long epochMs) {
        if (epochMs <= 0) {
            return "";
        }
        return LOCAL_TIME_MS.format(Instant.ofEpochMilli(epochMs).atZone(ZoneId.systemDefault()));
    }

    /** Epoch ms as ISO-8601 UTC ({@code 2026-11-29T01:59:49.123Z}), null for 0. */
    public static String isoTime(long epochMs) {
        return epochMs <= 0 ? null : Instant.ofEpochMilli(epochMs).toString();
    }

    /** Like {@link #isoTime} but empty instead of null, for table cells. */
    public static String isoCell(long epochMs) {
        return epochMs <= 0 ? "" : isoTime(epochMs);
    }

    /** A duration the way people read it: {@code 850ms}, {@code 42s}, {@code 3m07s}, {@code 2h05m}, {@code 3d4h}. */
    public static String duration(long ms) {
        if (ms < 0) {
            return "";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format("%dd%dh", s / 86400, (s % 86400) / 3600);
    }
}
