package dev.keel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code keel init} in-process: the tree, the rendered names, and refusals. */
class InitCommandTest {
    @TempDir
    Path dir;

    private Cli.Result init(String... args) {
        List<String> all = new ArrayList<>(List.of("init", "--no-install"));
        all.addAll(List.of(args));
        return Cli.execute("", all.toArray(String[]::new));
    }

    private static Set<String> tree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void scaffoldsTheReferenceLayoutWithRenamedPackages() throws Exception {
        Path project = dir.resolve("shoe-sorter");
        Cli.Result r = init(project.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("created project shoe-sorter (package com.example.shoesorter)"), r.err());

        String pkg = "com/example/shoesorter/";
        assertEquals(
                new TreeSet<>(List.of(
                        ".gitignore",
                        "README.md",
                        "keel.yaml",
                        "pom.xml",
                        "run",
                        "training/experiments/default.yaml",
                        "src/main/java/" + pkg + "datasets/BlobsDataset.java",
                        "src/main/java/" + pkg + "networks/Mlp.java",
                        "src/main/java/" + pkg + "models/Classifier.java",
                        "src/main/java/" + pkg + "training/RunExperiment.java",
                        "src/main/java/" + pkg + "predictor/Predictor.java",
                        "src/test/java/" + pkg + "datasets/BlobsDatasetTest.java",
                        "src/test/java/" + pkg + "training/RunExperimentTest.java")),
                tree(project));

        assertEquals(
                "project: shoe-sorter",
                Files.readAllLines(project.resolve("keel.yaml")).get(1));
        assertEquals(List.of(".keel/", "target/", "artifacts/"), Files.readAllLines(project.resolve(".gitignore")));
        String pom = Files.readString(project.resolve("pom.xml"));
        assertTrue(pom.contains("<artifactId>shoe-sorter</artifactId>"), pom);
        assertTrue(pom.contains("<groupId>com.example.shoesorter</groupId>"), pom);
        assertTrue(pom.contains("<keel.version>0.1.0-SNAPSHOT</keel.version>"), pom);
        assertTrue(pom.contains("<artifactId>keel-djl</artifactId>"), pom);
        String training = Files.readString(project.resolve("src/main/java/" + pkg + "training/RunExperiment.java"));
        assertTrue(training.startsWith("package com.example.shoesorter.training;"), training);
        assertTrue(training.contains("import com.example.shoesorter.models.Classifier;"), training);
        assertTrue(training.contains(".project(\"shoe-sorter\")"), training);
        assertTrue(Files.isExecutable(project.resolve("run")));
        assertTrue(Files.readString(project.resolve("run"))
                .contains("main=com.example.shoesorter.training.RunExperiment"));
        for (String f : tree(project)) {
            assertFalse(
                    Pattern.compile("\\{\\{[A-Za-z]+}}")
                            .matcher(Files.readString(project.resolve(f)))
                            .find(),
                    "unrendered placeholder in " + f);
        }
    }

    @Test
    void nameAndPackageOptionsWin() throws Exception {
        Path project = dir.resolve("p");
        Cli.Result r = init(project.toString(), "--name", "Apparel2", "--package", "org.acme.ml");
        assertEquals(0, r.code(), r.err());
        assertEquals(
                "project: Apparel2",
                Files.readAllLines(project.resolve("keel.yaml")).get(1));
        assertTrue(Files.isRegularFile(project.resolve("src/main/java/org/acme/ml/predictor/Predictor.java")));
        assertTrue(Files.readString(project.resolve("src/test/java/org/acme/ml/datasets/BlobsDatasetTest.java"))
                .startsWith("package org.acme.ml.datasets;"));
    }

    @Test
    void aFolderThatIsNotEmptyIsRefusedUnlessForced() throws Exception {
        Path project = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(project.resolve("notes.txt"), "mine");
        Cli.Result r = init(project.toString());
        assertEquals(2, r.code());
        assertEquals(
                "keel: " + project + " is not empty: give a new or empty folder, or add --force to write the"
                        + " project's files into it anyway (files of the same name are overwritten)",
                r.err().strip());
        assertEquals(Set.of("notes.txt"), tree(project));

        Cli.Result forced = init(project.toString(), "--force");
        assertEquals(0, forced.code(), forced.err());
        assertEquals("mine", Files.readString(project.resolve("notes.txt")));
        assertTrue(Files.isRegularFile(project.resolve("keel.yaml")));
    }

    @Test
    void badNamesAndPackagesAreRefusedWithTheFix() {
        Cli.Result name = init(dir.resolve("a").toString(), "--name", "my project");
        assertEquals(2, name.code());
        assertTrue(name.err().contains("invalid project name 'my project'"), name.err());
        Cli.Result pkg = init(dir.resolve("b").toString(), "--package", "com.example.class");
        assertEquals(2, pkg.code());
        assertTrue(pkg.err().contains("invalid Java package 'com.example.class': give one with --package"), pkg.err());
        assertFalse(Files.exists(dir.resolve("a")));
        assertFalse(Files.exists(dir.resolve("b")));
    }
}
