package dev.keel.cli.reproduce;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * Whether the reproduction can use the original repository's build output instead of building
 * the work folder again: a class path entry into the repository that the checkout does not hold
 * ({@code keel-core/target/classes}, {@code app/build/libs/app.jar}) is taken from the original
 * repository when
 *
 * <ul>
 *   <li>the tracked files it is built from — its module folder (the folder above the entry's
 *       first untracked folder) and the files directly in each folder above that (parent
 *       {@code pom.xml}s) — are in the original repository exactly what the run's commit and
 *       diff make them, with no untracked file among them, and
 *   <li>it is newer than every one of those files (built after their last change).
 * </ul>
 *
 * <p>All or nothing: if one entry fails, every entry is built in the work folder, so classes
 * built from different sources never meet on one class path. Building the repository again
 * usually costs far more than the program's first steps; this is what keeps a reproduction
 * from a working tree that has not moved quick.
 */
final class BuildOutputs {
    /** {@code reused}: class path entries as the command writes them → the original's path; {@code why}: why not, when empty. */
    record Decision(Map<String, String> reused, String why) {
        boolean reuse() {
            return !reused.isEmpty();
        }
    }

    private BuildOutputs() {}

    /**
     * Decides for the plan's class path, after the work folder is checked out with the diff in
     * its index; null when the class path names nothing to build in the work folder.
     */
    static Decision decide(ReproducePlan plan) {
        String cp = Reproduction.classPath(plan.command());
        if (cp == null) {
            return null;
        }
        Path work = plan.workFolder();
        Map<String, String> outputs = new LinkedHashMap<>(); // relative path in the repository → entry as written
        for (String entry : cp.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = plan.workingDir().resolve(entry).normalize();
            if (p.startsWith(work) && !p.equals(work) && !Files.exists(p)) {
                outputs.put(work.relativize(p).toString().replace(File.separatorChar, '/'), entry);
            }
        }
        if (outputs.isEmpty()) {
            return null;
        }
        Path original = plan.repository();
        // one listing of the checkout's index (the run's commit and diff) answers which folders
        // are tracked and which files each output is built from, instead of a git call for each
        Index index = new Index(Git.run(work, "ls-files", "-z"));
        Set<String> pathspecs = new LinkedHashSet<>();
        Set<String> outputFolders = new LinkedHashSet<>();
        Map<String, String> moduleOf = new LinkedHashMap<>();
        Map<String, String> reused = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : outputs.entrySet()) {
            String rel = e.getKey();
            Path built = original.resolve(rel);
            if (!Files.exists(built)) {
                return new Decision(Map.of(), built + " is not built in the original repository either");
            }
            String untrackedTop = index.untrackedTop(rel);
            int cut = untrackedTop.lastIndexOf('/');
            String module = cut < 0 ? "" : untrackedTop.substring(0, cut);
            List<String> specs = new ArrayList<>();
            specs.add(module.isEmpty() ? "." : module);
            String above = module;
            while (!above.isEmpty()) {
                int slash = above.lastIndexOf('/');
                above = slash < 0 ? "" : above.substring(0, slash);
                specs.add(":(glob)" + (above.isEmpty() ? "" : above + "/") + "*");
            }
            moduleOf.put(rel, module);
            pathspecs.addAll(specs);
            outputFolders.add(":(exclude)" + untrackedTop);
            reused.put(e.getValue(), built.toString());
        }
        List<String> specs = new ArrayList<>(pathspecs);
        List<String> withoutOutputs = new ArrayList<>(specs);
        withoutOutputs.addAll(outputFolders);
        // both read the original's files (one hashes them, one lists what git does not track): at once
        CompletableFuture<String> untrackedLater = CompletableFuture.supplyAsync(() ->
                againstOriginal(work, original, List.of("ls-files", "--others", "--exclude-standard"), withoutOutputs));
        String changed = againstOriginal(work, original, List.of("diff", "--name-only"), specs);
        String untracked;
        try {
            untracked = untrackedLater.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        if (!changed.isBlank()) {
            return new Decision(
                    Map.of(),
                    "the original repository's sources differ from the run's commit and diff ("
                            + String.join(", ", changed.strip().lines().limit(3).toList()) + ")");
        }
        if (!untracked.isBlank()) {
            return new Decision(
                    Map.of(),
                    "the original repository has untracked files among its sources ("
                            + String.join(
                                    ", ", untracked.strip().lines().limit(3).toList()) + ")");
        }
        for (String rel : outputs.keySet()) {
            Path built = original.resolve(rel);
            FileTime newestSource = newest(index.sources(moduleOf.get(rel)).stream()
                    .map(original::resolve)
                    .toList());
            FileTime newestOutput = newestIn(built);
            if (newestSource != null && (newestOutput == null || newestOutput.compareTo(newestSource) < 0)) {
                return new Decision(
                        Map.of(), built + " is older than its sources in the original repository (not rebuilt)");
            }
        }
        return new Decision(reused, null);
    }

    /** The class path with every reused entry pointing into the original repository. */
    static List<String> command(List<String> command, Decision d) {
        String cp = Reproduction.classPath(command);
        List<String> out = new ArrayList<>(command);
        int at = out.indexOf(cp);
        List<String> entries = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator, -1)) {
            entries.add(d.reused().getOrDefault(entry, entry));
        }
        out.set(at, String.join(File.pathSeparator, entries));
        return out;
    }

    /** The paths of the checkout's index, as {@code git ls-files -z} lists them. */
    static final class Index {
        private final List<String> files = new ArrayList<>();
        private final Set<String> tracked = new HashSet<>(); // every file and every folder above one

        Index(String lsFilesZ) {
            for (String f : lsFilesZ.split("\0")) {
                if (f.isEmpty()) {
                    continue;
                }
                files.add(f);
                for (String p = f; tracked.add(p); ) {
                    int slash = p.lastIndexOf('/');
                    if (slash < 0) {
                        break;
                    }
                    p = p.substring(0, slash);
                }
            }
        }

        /**
         * The output's first component the checkout does not track ({@code keel-core/target}
         * for {@code keel-core/target/classes}); the folder above it is the one the output is
         * built from.
         */
        String untrackedTop(String rel) {
            StringBuilder prefix = new StringBuilder();
            for (String part : rel.split("/")) {
                if (!prefix.isEmpty()) {
                    prefix.append('/');
                }
                prefix.append(part);
                if (!tracked.contains(prefix.toString())) {
                    return prefix.toString();
                }
            }
            return prefix.toString();
        }

        /**
         * What an output of {@code module} is built from: every file under the module folder
         * ({@code ""}: the whole repository) and the files directly in each folder above it
         * (parent {@code pom.xml}s, build scripts).
         */
        List<String> sources(String module) {
            Set<String> above = new HashSet<>();
            for (String m = module; !m.isEmpty(); ) {
                int slash = m.lastIndexOf('/');
                m = slash < 0 ? "" : m.substring(0, slash);
                above.add(m);
            }
            List<String> out = new ArrayList<>();
            for (String f : files) {
                int slash = f.lastIndexOf('/');
                String folder = slash < 0 ? "" : f.substring(0, slash);
                if (module.isEmpty() || f.equals(module) || f.startsWith(module + "/") || above.contains(folder)) {
                    out.add(f);
                }
            }
            return out;
        }
    }

    /** Git with the work folder's index (the run's commit and diff) against the original's files. */
    private static String againstOriginal(Path work, Path original, List<String> args, List<String> specs) {
        List<String> all = new ArrayList<>(List.of("--git-dir=" + work.resolve(".git"), "--work-tree=" + original));
        all.addAll(args);
        all.add("--");
        all.addAll(specs);
        return Git.run(original, all.toArray(String[]::new));
    }

    private static FileTime newest(List<Path> files) {
        FileTime max = null;
        for (Path f : files) {
            try {
                FileTime t = Files.getLastModifiedTime(f);
                max = max == null || t.compareTo(max) > 0 ? t : max;
            } catch (IOException e) {
                // listed by git but gone since: nothing to compare
            }
        }
        return max;
    }

    private static FileTime newestIn(Path built) {
        if (!Files.isDirectory(built)) {
            return newest(List.of(built));
        }
        try (Stream<Path> files = Files.walk(built)) {
            return newest(files.filter(Files::isRegularFile).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
