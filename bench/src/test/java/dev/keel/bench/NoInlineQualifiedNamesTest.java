package dev.keel.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Classes are named through imports, not inline as {@code java.util.Map}: a reader sees a file's
 * dependencies at its top. A qualified name stays where the simple one would clash (another
 * import, a type of the file or its package, another qualified name with that simple name).
 * Comments, strings and javadoc are not code and are not read.
 */
class NoInlineQualifiedNamesTest {
    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.@])((?:java|javax|jdk|sun|com|org|dev|io|ai|software|picocli|oshi|net)(?:\\.[a-z_][a-z0-9_]*)+)"
                    + "\\.([A-Z]\\w*)");
    private static final Pattern IMPORT =
            Pattern.compile("^import\\s+(static\\s+)?([\\w.]+?)(\\.\\*)?\\s*;", Pattern.MULTILINE);
    private static final Pattern DECLARED = Pattern.compile("\\b(?:class|interface|enum|record)\\s+([A-Z]\\w*)");

    @Test
    void classesAreImportedNotNamedInline() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path file : all.filter(NoInlineQualifiedNamesTest::isSource).toList()) {
                files++;
                found.addAll(inlineNames(root, file));
            }
        }
        assertTrue(files > 300, "the sources were found under " + root + ": " + files + " files");
        assertTrue(found.isEmpty(), "import these instead of naming them inline:\n" + String.join("\n", found));
    }

    @Test
    void theScanSeesCodeAndNotCommentsOrStrings() throws IOException {
        Path dir = Files.createTempDirectory("qualified");
        try {
            Path file = Files.writeString(
                    dir.resolve("A.java"),
                    String.join(
                            "\n",
                            "package p;",
                            "import java.util.List;",
                            "/** See {@link java.util.Map}. */",
                            "class A {",
                            "    String s = \"java.util.Set\"; // java.util.Queue",
                            "    java.util.Map<String, String> m;",
                            "    java.awt.List clash;",
                            "}"));
            List<String> found = inlineNames(dir, file);
            assertTrue(found.size() == 1 && found.get(0).contains("java.util.Map"), "found " + found);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static boolean isSource(Path p) {
        String s = p.toString();
        return s.endsWith(".java")
                && (s.contains("/src/main/java/") || s.contains("/src/test/java/"))
                && !s.contains("/target/")
                && !s.contains("/.git/");
    }

    private static List<String> inlineNames(Path root, Path file) throws IOException {
        String source = Files.readString(file, StandardCharsets.UTF_8);
        String code = masked(source);
        Set<String> clashing = simpleNamesInUse(file, code);
        List<String> found = new ArrayList<>();
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("package ") || line.startsWith("import ")) {
                continue;
            }
            Matcher m = QUALIFIED.matcher(lines[i]);
            while (m.find()) {
                if (!clashing.contains(m.group(2)) || importedAs(code, m.group(1) + "." + m.group(2))) {
                    found.add(root.relativize(file) + ":" + (i + 1) + ": " + m.group(1) + "." + m.group(2));
                }
            }
        }
        return found;
    }

    /** Simple names that already mean something else in this file, so a qualified name may be needed. */
    private static Set<String> simpleNamesInUse(Path file, String code) throws IOException {
        Set<String> names = new HashSet<>();
        Matcher imports = IMPORT.matcher(code);
        while (imports.find()) {
            String name = imports.group(2);
            names.add(name.substring(name.lastIndexOf('.') + 1));
        }
        Matcher declared = DECLARED.matcher(code);
        while (declared.find()) {
            names.add(declared.group(1));
        }
        Path dir = file.getParent();
        if (dir != null) {
            try (Stream<Path> siblings = Files.list(dir)) {
                siblings.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".java"))
                        .forEach(n -> names.add(n.substring(0, n.length() - ".java".length())));
            }
        }
        // two different qualified names with one simple name: at most one could be imported
        Matcher m = QUALIFIED.matcher(code);
        Set<String> seen = new HashSet<>();
        Set<String> qualified = new HashSet<>();
        while (m.find()) {
            String full = m.group(1) + "." + m.group(2);
            if (qualified.add(full) && !seen.add(m.group(2))) {
                names.add(m.group(2));
            }
        }
        return names;
    }

    private static boolean importedAs(String code, String full) {
        return Pattern.compile("^import\\s+" + Pattern.quote(full) + "\\s*;", Pattern.MULTILINE)
                .matcher(code)
                .find();
    }

    /** The source with comments and string, character and text-block literals blanked, lines kept. */
    static String masked(String src) {
        StringBuilder out = new StringBuilder(src);
        int i = 0;
        int n = src.length();
        while (i < n) {
            int end;
            if (src.startsWith("//", i)) {
                end = src.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (src.startsWith("/*", i)) {
                end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                end = src.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
            } else if (src.charAt(i) == '"' || src.charAt(i) == '\'') {
                char quote = src.charAt(i);
                end = i + 1;
                while (end < n && src.charAt(end) != quote && src.charAt(end) != '\n') {
                    end += src.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
            } else {
                i++;
                continue;
            }
            for (int k = i; k < end; k++) {
                if (out.charAt(k) != '\n') {
                    out.setCharAt(k, ' ');
                }
            }
            i = end;
        }
        return out.toString();
    }
}
