package dev.keel.home;

import dev.keel.internal.provenance.Provenance;

import java.util.List;

/**
 * The dependency list a program started with a class path would record in its provenance
 * ({@code group:artifact:version}, sorted), read without starting it: {@code keel reproduce
 * --strict} refuses before running when it differs from what the original run recorded.
 *
 * <pre>
 * List&lt;String&gt; deps = ClassPathDependencies.of("lib/a-1.0.jar:target/classes");
 * </pre>
 */
public final class ClassPathDependencies {
    private ClassPathDependencies() {}

    /** The coordinates of every jar on {@code classPath} (entries separated by the platform's separator). */
    public static List<String> of(String classPath) {
        return Provenance.dependencies(classPath);
    }
}
