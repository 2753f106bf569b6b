package dev.keel.cli.scaffold;

import dev.keel.core.KeelException;

import javax.lang.model.SourceVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a new Keel project from the templates in {@code dev/keel/cli/template/} (listed in its
 * {@code files.txt}), replacing {@code {{name}}}, {@code {{package}}}, {@code {{packagePath}}},
 * {@code {{groupId}}} and {@code {{keelVersion}}} in paths and contents. No template engine: the
 * templates are plain files, so they stay readable and compilable by eye.
 */
public final class Scaffold {
    public static final String KEEL_VERSION = "0.1.0-SNAPSHOT";
    private static final String TEMPLATES = "/dev/keel/cli/template/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final String name;
    private final String packageName;

    /** {@code packageName} null: {@code com.example.<name>} with the name's letters and digits. */
    public Scaffold(String name, String packageName) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw KeelException.invalid("invalid project name '" + name + "': use letters, digits, '.', '-' and '_',"
                    + " starting with a letter or digit (give one with --name)");
        }
        this.name = name;
        this.packageName = packageName != null ? packageName : defaultPackage(name);
        if (!SourceVersion.isName(this.packageName)) {
            throw KeelException.invalid("invalid Java package '" + this.packageName + "': give one with --package,"
                    + " e.g. --package com.example.myproject");
        }
    }

    static String defaultPackage(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) {
            s = "p" + s;
        }
        return "com.example." + s;
    }

    public String name() {
        return name;
    }

    public String packageName() {
        return packageName;
    }

    /** The placeholder values. */
    public Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("name", name);
        v.put("package", packageName);
        v.put("packagePath", packageName.replace('.', '/'));
        v.put("groupId", packageName);
        v.put("keelVersion", KEEL_VERSION);
        return v;
    }

    static String render(String text, Map<String, String> values) {
        String out = text;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("{{" + e.getKey() + "}}", e.getValue());
        }
        return out;
    }

    /**
     * Writes the project into {@code dir} (created if missing) and returns the files written,
     * relative to it. A folder that holds anything is refused unless {@code force}; then the
     * template's files are overwritten and everything else is left alone.
     */
    public List<Path> writeTo(Path dir, boolean force) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw KeelException.invalid(dir + " is a file, not a folder: give a new or empty folder for the project");
        }
        if (!force && Files.isDirectory(dir) && !isEmpty(dir)) {
            throw KeelException.invalid(
                    dir.toAbsolutePath() + " is not empty: give a new or empty folder, or add --force"
                            + " to write the project's files into it anyway (files of the same name are overwritten)");
        }
        Map<String, String> values = values();
        List<Path> written = new ArrayList<>();
        try {
            for (String line : resource("files.txt").split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                Path target = dir.resolve(render(parts[1], values));
                Files.createDirectories(target.getParent());
                Files.writeString(target, render(resource(parts[0]), values), StandardCharsets.UTF_8);
                if (parts.length > 2 && parts[2].equals("exec")) {
                    target.toFile().setExecutable(true, false);
                }
                written.add(dir.relativize(target));
            }
        } catch (IOException e) {
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "cannot write the project into " + dir.toAbsolutePath() + " (" + e
                            + "): check the folder's permissions and free space",
                    e);
        }
        return written;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Scaffold.class.getResourceAsStream(TEMPLATES + name)) {
            if (in == null) {
                throw new IOException("template " + name + " is missing from the keel jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
