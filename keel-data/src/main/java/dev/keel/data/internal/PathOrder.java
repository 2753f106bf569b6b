package dev.keel.data.internal;

import java.util.Comparator;

/**
 * Orders paths by Unicode code point (the same as UTF-8 byte order), so the canonical manifest
 * is the same whatever language sorts it. Plain {@link String#compareTo} orders by UTF-16 unit,
 * which differs for characters beyond U+FFFF.
 */
final class PathOrder implements Comparator<String> {
    static final PathOrder INSTANCE = new PathOrder();

    @Override
    public int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return fix(x) - fix(y);
            }
        }
        return a.length() - b.length();
    }

    /** Moves surrogates above the rest of the BMP. */
    private static int fix(char c) {
        if (c >= 0xD800 && c <= 0xDFFF) {
            return c + 0x2000;
        }
        return c >= 0xE000 ? c - 0x800 : c;
    }
}
