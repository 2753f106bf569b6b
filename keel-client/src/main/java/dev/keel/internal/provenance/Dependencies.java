package dev.keel.internal.provenance;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resolved dependency list, {@code group:artifact:version}, of every jar on the class path.
 *
 * <p>A jar names itself in {@code META-INF/maven/<group>/<artifact>/pom.properties}; a fat jar
 * carries one per bundled library, and all are listed. A jar without one is named from its file
 * name ({@code name-1.2.jar}), and its group from a Maven repository path when it lies in one,
 * else {@code unknown}. Jars' manifest {@code Class-Path} entries are followed (as in
 * manifest-only launcher jars). Folders on the class path are the project's own classes and are
 * not listed.
 *
 * <p>What a jar says is remembered for the life of the JVM, keyed by its path, size and
 * modification time: a process that starts many runs reads a fat jar's directory once.
 */
final class Dependencies {
    static final String UNKNOWN_GROUP = "unknown";
    private static final ConcurrentHashMap<Path, Jar> READ = new ConcurrentHashMap<>();

    /** What one jar contributes: its coordinates and the jars its manifest names. */
    private record Jar(long size, long modified, List<String> coordinates, List<Path> classPath) {}

    private static final Pattern NAME_VERSION = Pattern.compile("(.+?)-(\\d[^-]*(?:-.+)?)");

    private Dependencies() {}

    static List<String> of(String classPath) {
        TreeSet<String> coordinates = new TreeSet<>();
        Set<Path> seen = new HashSet<>();
        Deque<Path> jars = new ArrayDeque<>();
        if (classPath != null) {
            for (String entry : classPath.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    jars.add(Path.of(entry).toAbsolutePath().normalize());
                }
            }
        }
        while (!jars.isEmpty()) {
            Path jar = jars.poll();
            if (!seen.add(jar) || !jar.getFileName().toString().endsWith(".jar")) {
                continue;
            }
            Jar facts = read(jar);
            if (facts != null) {
                coordinates.addAll(facts.coordinates());
                jars.addAll(facts.classPath());
            }
        }
        return List.copyOf(coordinates);
    }

    /** Null when the path is not a regular file. */
    private static Jar read(Path jar) {
        long size;
        long modified;
        try {
            BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return null;
            }
            size = a.size();
            modified = a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return null;
        }
        Jar known = READ.get(jar);
        if (known != null && known.size() == size && known.modified() == modified) {
            return known;
        }
        Set<String> coordinates = new TreeSet<>();
        Deque<Path> classPath = new ArrayDeque<>();
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            if (!readPomProperties(file, coordinates)) {
                coordinates.add(fromFileName(jar));
            }
            followManifestClassPath(file, jar, classPath);
        } catch (IOException | RuntimeException e) {
            coordinates.add(fromFileName(jar)); // unreadable jar: its name is still worth listing
        }
        Jar facts = new Jar(size, modified, List.copyOf(coordinates), List.copyOf(classPath));
        READ.put(jar, facts);
        return facts;
    }

    private static boolean readPomProperties(JarFile file, Set<String> out) throws IOException {
        boolean any = false;
        for (JarEntry e : (Iterable<JarEntry>) file.stream()::iterator) {
            String name = e.getName();
            if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
                Properties p = new Properties();
                try (InputStream in = file.getInputStream(e)) {
                    p.load(in);
                }
                String g = p.getProperty("groupId");
                String a = p.getProperty("artifactId");
                String v = p.getProperty("version");
                if (g != null && a != null && v != null) {
                    out.add(g.strip() + ":" + a.strip() + ":" + v.strip());
                    any = true;
                }
            }
        }
        return any;
    }

    private static void followManifestClassPath(JarFile file, Path jar, Deque<Path> jars) throws IOException {
        Manifest manifest = file.getManifest();
        String cp = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (cp == null) {
            return;
        }
        for (String ref : cp.trim().split("\\s+")) {
            try {
                URI uri = jar.toUri().resolve(ref);
                if ("file".equals(uri.getScheme())) {
                    jars.add(Path.of(uri).normalize());
                }
            } catch (IllegalArgumentException e) {
                // a malformed entry names nothing we could read
            }
        }
    }

    /** {@code ~/.m2/repository/com/x/lib/1.2/lib-1.2.jar} → {@code com.x:lib:1.2}; {@code lib-1.2.jar} → {@code unknown:lib:1.2}. */
    static String fromFileName(Path jar) {
        String base = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        Matcher m = NAME_VERSION.matcher(base);
        if (!m.matches()) {
            return UNKNOWN_GROUP + ":" + base + ":" + UNKNOWN_GROUP;
        }
        String artifact = m.group(1);
        String version = m.group(2);
        Path versionDir = jar.getParent();
        Path artifactDir = versionDir == null ? null : versionDir.getParent();
        if (artifactDir != null
                && versionDir.getFileName().toString().equals(version)
                && artifactDir.getFileName() != null
                && artifactDir.getFileName().toString().equals(artifact)) {
            StringBuilder group = new StringBuilder();
            for (Path dir = artifactDir.getParent(); dir != null && dir.getFileName() != null; dir = dir.getParent()) {
                if (dir.getFileName().toString().equals("repository")) {
                    return group + ":" + artifact + ":" + version;
                }
                group.insert(0, group.length() == 0 ? dir.getFileName().toString() : dir.getFileName() + ".");
            }
        }
        return UNKNOWN_GROUP + ":" + artifact + ":" + version;
    }
}
