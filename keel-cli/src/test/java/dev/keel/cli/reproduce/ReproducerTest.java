package dev.keel.cli.reproduce;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReproducerTest {
    @TempDir
    Path tmp;

    @Test
    void aJarOfAnotherVersionOnTheClassPathIsNamedAsADependencyDifference() throws Exception {
        Path jar = tmp.resolve("mathlib-1.1.jar");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out)) {
            j.finish();
        }
        List<String> command = List.of("java", "-cp", jar.toString(), "Main");
        assertEquals(
                List.of("unknown:mathlib 1.0 → 1.1"),
                Reproducer.dependencyDifferences(List.of("unknown:mathlib:1.0"), command));
        assertEquals(List.of(), Reproducer.dependencyDifferences(List.of("unknown:mathlib:1.1"), command));
    }

    @Test
    void anOutputIsBuiltFromItsModuleFolderAndTheFilesDirectlyInEachFolderAboveIt() {
        BuildOutputs.Index index = new BuildOutputs.Index(String.join(
                "\0",
                "pom.xml",
                "README.md",
                "docs/guide.md",
                "examples/pom.xml",
                "examples/app/pom.xml",
                "examples/app/src/Main.java",
                "examples/other/src/Other.java",
                "lib/src/Lib.java",
                "with space/x.txt",
                ""));
        assertEquals("examples/app/target", index.untrackedTop("examples/app/target/classes"));
        assertEquals("lib/out", index.untrackedTop("lib/out"));
        assertEquals("target", index.untrackedTop("target/classes"));
        assertEquals(
                List.of(
                        "pom.xml",
                        "README.md",
                        "examples/pom.xml",
                        "examples/app/pom.xml",
                        "examples/app/src/Main.java"),
                index.sources("examples/app"));
        assertEquals(List.of("pom.xml", "README.md", "lib/src/Lib.java"), index.sources("lib"));
        assertEquals(10 - 1, index.sources("").size(), "an output at the top is built from everything");
    }

    @Test
    void pathsIntoTheRepositoryAreMovedIntoTheCloneAndOthersKept() {
        assertEquals(
                "/tmp/w/target/classes:/home/u/.m2/a.jar:/tmp/w",
                Reproduction.moved("/src/p/target/classes:/home/u/.m2/a.jar:/src/p", "/src/p", "/tmp/w"));
        assertEquals(
                "/src/pp/x", Reproduction.moved("/src/pp/x", "/src/p", "/tmp/w"), "a longer name is another folder");
        assertEquals("/x/src/p/y", Reproduction.moved("/x/src/p/y", "/src/p", "/tmp/w"), "only whole paths move");
        assertEquals("-Dconf=/tmp/w/c.yaml", Reproduction.moved("-Dconf=/src/p/c.yaml", "/src/p", "/tmp/w"));
    }
}
