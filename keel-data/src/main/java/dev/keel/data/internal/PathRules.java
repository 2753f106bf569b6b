package dev.keel.data.internal;

import dev.keel.core.KeelException;

/** What a path inside a dataset may look like: relative, forward slashes, no '.', '..' or empty segments. */
final class PathRules {
    private PathRules() {}

    /** Null when the path is safe, else why not. */
    static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "empty path";
        }
        if (path.startsWith("/")
                || (path.length() > 2
                        && Character.isLetter(path.charAt(0))
                        && path.charAt(1) == ':'
                        && path.charAt(2) == '/')) {
            return "absolute path";
        }
        // One pass (every scanned and every stored path comes through here): control characters
        // win over segment problems, and the first bad segment is the one reported.
        String segment = null;
        int start = 0;
        int n = path.length();
        for (int i = 0; i <= n; i++) {
            char c = i < n ? path.charAt(i) : '/';
            if (c == '\0' || c == '\n' || c == '\r' || c == '\\') {
                return "control character or backslash in path";
            }
            if (c == '/') {
                int len = i - start;
                if (segment == null
                        && (len == 0
                                || path.charAt(start) == '.'
                                        && (len == 1 || len == 2 && path.charAt(start + 1) == '.'))) {
                    segment = "'" + path.substring(start, i) + "' segment in path";
                }
                start = i + 1;
            }
        }
        return segment;
    }

    /** Refuses an unsafe path in a manifest being read or materialised. */
    static void checkStored(String path, String what) {
        String p = problem(path);
        if (p != null) {
            throw new KeelException(
                    KeelException.ErrorCode.CORRUPT_DATA,
                    "refusing " + what + ": the manifest holds the unsafe path '" + printable(path) + "' (" + p
                            + "); nothing is written outside the target folder");
        }
    }

    static String printable(String s) {
        return s == null ? "null" : s.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0");
    }
}
