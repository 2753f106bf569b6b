package dev.keel.internal.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The exit-status agent jar in its per-user cache folder: written once, checked before each use. */
class AgentJarTest {
    @TempDir
    Path tmp;

    @Test
    void theJarIsWrittenOnceWithItsManifestAndTheSameBytesEachTime() throws Exception {
        Path root = tmp.resolve("keel/agent");
        Path jar = AgentJar.cached(root);
        assertNotNull(jar);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        byte[] first = Files.readAllBytes(jar);
        try (JarFile f = new JarFile(jar.toFile())) {
            assertEquals("dev.keel.internal.exitagent.ExitAgent", f.getManifest().getMainAttributes().getValue("Agent-Class"));
            assertEquals("true", f.getManifest().getMainAttributes().getValue("Can-Retransform-Classes"));
            assertNotNull(f.getEntry("dev/keel/internal/exitagent/StatusPropertyPatch.class"));
        }
        assertEquals(jar, AgentJar.cached(root));
        assertArrayEquals(first, Files.readAllBytes(jar));
        try (var files = Files.list(root)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void aChangedJarIsReplacedBeforeUse() throws Exception {
        Path root = tmp.resolve("agent");
        Path jar = AgentJar.cached(root);
        byte[] good = Files.readAllBytes(jar);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-------"));
        Files.write(jar, new byte[] {'P', 'K', 0, 0});
        assertEquals(jar, AgentJar.cached(root));
        assertArrayEquals(good, Files.readAllBytes(jar));
    }

    @Test
    void aFolderOthersMayWriteIsRefused() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(AgentJar.cached(root));
    }
}
