package dev.keel.internal.run;

import dev.keel.core.UserCache;
import dev.keel.internal.exitagent.ExitAgent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * The exit-status agent as a jar in the per-user cache
 * ({@code ${XDG_CACHE_HOME:-~/.cache}/keel/agent/exit-status-<hash>.jar}). It is made from the
 * agent's class files in this library (so it always matches the code that loads it), named by
 * their SHA-256, written to a temporary file and renamed, and used only when its bytes equal the
 * expected ones and its folder belongs to this user and is writable by nobody else: the jar's code
 * runs inside the process, so nobody else may be able to swap it.
 */
final class AgentJar {
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final long FIXED_TIME = 315_532_800_000L; // 1980-01-01: entries carry no build time

    private AgentJar() {
    }

    /** The verified cached jar, written if needed; null when no private cache folder can be had. */
    static Path cached() throws IOException {
        Path root = UserCache.folder("agent");
        return root == null ? null : cached(root);
    }

    /** As {@link #cached()}, in the folder {@code root}. */
    static Path cached(Path root) throws IOException {
        Map<String, byte[]> classes = classes();
        String name = "exit-status-" + digest(classes) + ".jar";
        byte[] jar = jar(classes);
        Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        Path file = root.resolve(name);
        if (!same(file, jar)) {
            Path tmp = Files.createTempFile(root, "exit-status-", ".tmp");
            try {
                Files.write(tmp, jar);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--------"));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        if (!UserCache.privateToUser(root, file) || !same(file, jar) || file.toString().contains("=")) {
            return null; // '=' would split the attach request's "jar=options" argument
        }
        return file;
    }

    /** The agent's class files by entry name, in a fixed order. */
    static Map<String, byte[]> classes() throws IOException {
        String pkg = ExitAgent.class.getPackageName();
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (String simple : new String[] {"ExitAgent", "StatusPropertyPatch"}) {
            String cls = pkg + "." + simple;
            classes.put(cls.replace('.', '/') + ".class", classBytes(cls));
        }
        return classes;
    }

    /** Reads a class file of the agent from this library's own jar (or classes folder). */
    private static byte[] classBytes(String className) throws IOException {
        String resource = "/" + className.replace('.', '/') + ".class";
        try (InputStream in = ExitAgent.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing " + resource);
            }
            return in.readAllBytes();
        }
    }

    /** A jar of stored entries with fixed times: the same classes always give the same bytes. */
    static byte[] jar(Map<String, byte[]> classes) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Agent-Class", ExitAgent.class.getPackageName() + ".ExitAgent");
        main.putValue("Can-Retransform-Classes", "true");
        main.putValue("Can-Redefine-Classes", "false");
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        manifest.write(m);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(buf)) {
            put(out, "META-INF/MANIFEST.MF", m.toByteArray());
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                put(out, c.getKey(), c.getValue());
            }
        }
        return buf.toByteArray();
    }

    private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        e.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        e.setTime(FIXED_TIME);
        out.putNextEntry(e);
        out.write(bytes);
        out.closeEntry();
    }

    private static String digest(Map<String, byte[]> classes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                sha.update(c.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update(c.getValue());
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean same(Path file, byte[] expected) throws IOException {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == expected.length
                && Arrays.equals(Files.readAllBytes(file), expected);
    }
}
