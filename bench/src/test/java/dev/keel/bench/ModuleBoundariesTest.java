package dev.keel.bench;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each module's {@code internal} packages are its own: another module reaches them only through
 * the owner's public API, so an owner can change its insides without breaking the others. This
 * module sees the classes of every module (its test classpath holds them all), and a class
 * belongs to the module whose build output or jar it was read from.
 */
class ModuleBoundariesTest {
    private static final Pattern BUILD_DIR = Pattern.compile("/([^/]+)/target/classes/");
    private static final Pattern JAR = Pattern.compile("/([^/!]+?)-\\d[^/!]*\\.jar!");

    @Test
    void noModuleUsesAnotherModulesInternals() throws IOException {
        // Keel's own classes are all imported; what they use outside Keel needs no resolving here
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        List<URL> roots = Collections.list(getClass().getClassLoader().getResources("dev/keel"));
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importUrls(roots);
        Set<String> modules = new TreeSet<>();
        Set<String> violations = new TreeSet<>();
        for (JavaClass c : classes) {
            String from = moduleOf(c);
            modules.add(from);
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass().getBaseComponentType();
                if (!isInternal(target)) {
                    continue;
                }
                String to = moduleOf(target);
                if (!to.equals(from)) {
                    violations.add(from + " -> " + to + ": " + c.getName() + " uses " + target.getName());
                }
            }
        }
        assertTrue(
                modules.containsAll(
                        Set.of("keel-core", "keel-client", "keel-data", "keel-server", "keel-cli", "keel-store-sql")),
                "every module's classes are read; found " + modules);
        assertEquals(
                "",
                String.join("\n", violations),
                "classes use another module's internal package; export what they need through that module's API");
    }

    private static boolean isInternal(JavaClass c) {
        String pkg = c.getPackageName();
        return pkg.startsWith("dev.keel.") && (pkg.contains(".internal.") || pkg.endsWith(".internal"));
    }

    /** The module a class was read from: its Maven build folder, or its jar's artifact name. */
    static String moduleOf(JavaClass c) {
        String uri = c.getSource()
                .map(s -> s.getUri().toString())
                .orElseThrow(() -> new IllegalStateException("no class file for " + c.getName()));
        Matcher m = BUILD_DIR.matcher(uri);
        if (m.find()) {
            return m.group(1);
        }
        m = JAR.matcher(uri);
        if (m.find()) {
            return m.group(1);
        }
        throw new IllegalStateException("cannot tell the module of " + c.getName() + " from " + uri);
    }
}
