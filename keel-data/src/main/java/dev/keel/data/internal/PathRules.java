package dev.keel.data.internal;

import dev.keel.core.KeelException;

/** What a path inside a dataset may look like: relative, forward slashes, no '.', '..' or empty segments. */
final class PathRules {
    private PathRules() {
    }

    /** Null when the path is safe, else why not. */
    static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "empty path";
        }
        if (path.startsWith("/") || (path.length() > 2 && Character.isLetter(path.charAt(0)) && path.charAt(1) == ':'
                && path.charAt(2) == '/')) {
            return "absolute path";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\0' || c == '\n' || c == '\r' || c == '\\') {
                return "control character or backslash in path";
            }
        }
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                return "'" + seg + "' segment in path";
            }
        }
        return null;
    }

    /** Refuses an unsafe path in a manifest being read or materialised. */
    static void checkStored(String path, String what) {
        String p = problem(path);
        if (p != null) {
            throw new KeelException(KeelException.ErrorCode.CORRUPT_DATA, "refusing " + what + ": the manifest holds the unsafe path '"
                    + printable(path) + "' (" + p + "); nothing is written outside the target folder");
        }
    }

    static String printable(String s) {
        return s == null ? "null" : s.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0");
    }
}
