package dev.keel;

import org.junit.jupiter.api.Test;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The SDK package {@code dev.keel} is Keel's public API: its signature is checked in
 * ({@value #SIGNATURE_FILE}), so that any change to it is a visible diff in review, and every
 * public or protected type and member of it has javadoc.
 */
class PublicApiSignatureTest {
    static final String SIGNATURE_FILE = "src/test/resources/api/dev.keel.txt";
    private static final String UPDATE = "keel.api.update";
    private static final String UPDATE_COMMAND = "mvn -B -o -q -pl keel-client -am test -Dtest=PublicApiSignatureTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -D" + UPDATE + "=true";

    @Test
    void thePublicSignatureIsTheCheckedInOne() throws Exception {
        List<String> actual = signature();
        Path file = Path.of(SIGNATURE_FILE);
        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(file.getParent());
            Files.write(file, actual, StandardCharsets.UTF_8);
        }
        List<String> expected = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        if (!expected.equals(actual)) {
            fail("the public API of dev.keel changed; if that is intended, update keel-client/" + SIGNATURE_FILE
                    + " (from the repository root: " + UPDATE_COMMAND + ") and commit it with the change:\n"
                    + diff(expected, actual));
        }
    }

    @Test
    void everyPublicTypeAndMemberHasJavadoc() throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK, not a JRE, runs the tests");
        List<Path> sources;
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/keel"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        Path out = Files.createTempDirectory("keel-doclint");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files =
                javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of(
                    "-proc:none",
                    "-Xdoclint:all/protected",
                    "-Xdoclint/package:dev.keel",
                    "-d",
                    out.toString(),
                    "-cp",
                    System.getProperty("java.class.path"));
            javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources))
                    .call();
        }
        // the comment itself is required; its @param/@return tags are left to judgment
        List<String> problems = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() != Diagnostic.Kind.NOTE)
                .filter(d -> !d.getMessage(Locale.ROOT).matches("no @(param|return|throws)( .*)?"))
                .map(d -> d.getSource().getName().replaceFirst(".*/(dev/keel/)", "$1") + ":" + d.getLineNumber() + ": "
                        + d.getMessage(Locale.ROOT))
                .toList();
        assertEquals(List.of(), problems, "javadoc problems in dev.keel:\n" + String.join("\n", problems));
    }

    /** Every public type of the package (nested ones included) and its public and protected members, one a line. */
    static List<String> signature() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(
                Keel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(classes.resolve("dev/keel"))) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    addPublic(Class.forName("dev.keel." + name.substring(0, name.length() - 6)), types);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        for (Class<?> type : types) {
            lines.add(describe(type));
            List<String> members = new ArrayList<>();
            for (Field f : type.getDeclaredFields()) {
                if (visible(f)) {
                    members.add("  " + f.toGenericString());
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (visible(c)) {
                    members.add("  " + c.toGenericString());
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                if (visible(m) && !m.isBridge()) {
                    members.add("  " + m.toGenericString());
                }
            }
            members.sort(null);
            lines.addAll(members);
        }
        return lines;
    }

    private static void addPublic(Class<?> type, List<Class<?>> into) {
        if (!Modifier.isPublic(type.getModifiers())) {
            return;
        }
        into.add(type);
        Arrays.stream(type.getDeclaredClasses())
                .sorted((a, b) -> a.getName().compareTo(b.getName()))
                .forEach(nested -> addPublic(nested, into));
    }

    private static String describe(Class<?> type) {
        StringBuilder line = new StringBuilder(type.toGenericString());
        Type parent = type.getGenericSuperclass();
        if (parent != null && parent != Object.class && !type.isEnum() && !type.isRecord()) {
            line.append(" extends ").append(parent.getTypeName());
        }
        Type[] interfaces = type.getGenericInterfaces();
        if (interfaces.length > 0) {
            line.append(type.isInterface() ? " extends " : " implements ")
                    .append(Arrays.stream(interfaces).map(Type::getTypeName).collect(Collectors.joining(", ")));
        }
        return line.toString();
    }

    private static boolean visible(Member m) {
        return !m.isSynthetic() && (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers()));
    }

    /** The lines only one side has, marked - (checked in) and + (now), in order. */
    private static String diff(List<String> expected, List<String> actual) {
        StringBuilder out = new StringBuilder();
        expected.stream()
                .filter(l -> !actual.contains(l))
                .forEach(l -> out.append("- ").append(l).append('\n'));
        actual.stream()
                .filter(l -> !expected.contains(l))
                .forEach(l -> out.append("+ ").append(l).append('\n'));
        return out.toString();
    }
}
