package dev.keel.cli.reproduce;

import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.blob.BlobStore;
import dev.keel.core.data.RunInput;
import dev.keel.core.store.Store;
import dev.keel.data.Datasets;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides how {@code keel reproduce} re-creates a run's inputs ({@link #plan}); every refusal is
 * made here, before anything is touched, and names the fix. {@link Reproducer} carries it out.
 *
 * <p>The code: a {@code git clone --shared --no-checkout} of the repository the run recorded
 * (its objects are borrowed, so it is quick, and the original repository gets no worktree entry
 * or any other change), checked out at the recorded commit with the saved diff applied. The
 * data: the recorded dataset versions are pinned ({@code KEEL_REPRODUCE_DATASETS}), so
 * {@code run.useDataset} materialises exactly those versions whatever reference the program
 * names. Config, seeds and thread counts come from the same command, files and recorded
 * environment variables.
 */
public final class Reproduction {
    /** The options of {@code keel reproduce} that shape the plan. */
    public record Options(
            Path workdir, Path repository, Long steps, String build, boolean rebuild, Map<String, String> overrides) {}

    /** Variables that identify a run or a server rather than the environment: never restored. */
    private static final Set<String> NOT_RESTORED =
            Set.of("KEEL_RUN_ID", "KEEL_RESUME", "KEEL_SWEEP", "KEEL_HOME", "KEEL_URL", "KEEL_MODE");

    /** Thread settings: one the original run did not have is removed from the reproduction's environment. */
    private static final Pattern THREAD_VARIABLE = Pattern.compile(".*_(NUM_THREADS|DYNAMIC)$");

    private Reproduction() {}

    /** {@code provenance}: the run's, as {@code store.provenance(run.id())} reads it. */
    public static ReproducePlan plan(
            KeelHome home,
            Store store,
            Datasets datasets,
            BlobStore blobs,
            RunInfo run,
            Map<String, Object> provenance,
            Options options,
            Map<String, String> currentEnvironment) {
        String id = run.id();
        if (!(provenance.get("git") instanceof Map<?, ?>) && provenance.get("error") != null) {
            throw KeelException.invalid("cannot reproduce run " + id + ": its provenance was not recorded ("
                    + provenance.get("error") + "), so its commit and environment are unknown");
        }
        if (!(provenance.get("git") instanceof Map<?, ?> git)) {
            throw KeelException.invalid("cannot reproduce run " + id + ": it was recorded without git (its program "
                    + "did not start inside a git working tree), so the code it ran is unknown. Runs started from a "
                    + "git repository can be reproduced: commit the program and start it from its repository");
        }
        if (git.get("error") != null) {
            throw KeelException.invalid("cannot reproduce run " + id + ": its git state could not be read when it "
                    + "started (" + git.get("error") + "), so the code it ran is unknown");
        }
        String commit = git.get("commit") instanceof String c && !c.isBlank() ? c : null;
        if (commit == null) {
            throw KeelException.invalid("cannot reproduce run " + id + ": its repository had no commit yet when it "
                    + "started; commit the program before the runs you want to reproduce");
        }
        String root = String.valueOf(git.get("root"));
        String remote = git.get("remote") instanceof String r ? r : null;
        Path repository = options.repository() != null
                ? options.repository().toAbsolutePath().normalize()
                : Path.of(root);
        String source = options.repository() != null ? "given with --repo" : "the path the run recorded";
        if (!Files.isDirectory(repository)) {
            throw KeelException.invalid("cannot reproduce run " + id + ": the repository it came from, " + repository
                    + ", no longer exists. "
                    + (remote == null
                            ? "Pass --repo DIR with a clone of it"
                            : "Clone it (git clone " + remote + " DIR) and pass --repo DIR"));
        }
        if (!Git.hasCommit(repository, commit)) {
            throw KeelException.invalid("cannot reproduce run " + id + ": commit " + commit + ", which it started "
                    + "from, is not in the repository at " + repository + ". Fetch it with 'git -C " + repository
                    + " fetch " + (remote == null ? "REMOTE" : "origin") + " " + commit + "' (or fetch the branch "
                    + "that holds it), then try again");
        }
        String diff = null;
        if (Boolean.TRUE.equals(git.get("dirty"))) {
            if (Boolean.TRUE.equals(git.get("diff_truncated"))) {
                throw KeelException.invalid("cannot reproduce run " + id + ": its uncommitted changes were larger "
                        + "than the 1 MiB Keel keeps, so its diff.patch is cut. Commit such changes before a run");
            }
            diff = savedDiff(store, blobs, id);
        }
        List<String> recorded = recordedCommand(id, provenance);
        Path workingDir = recordedWorkingDir(id, provenance, Path.of(root));
        String newId;
        do {
            newId = Ids.newRunId();
        } while (store.run(newId).isPresent() || Files.exists(home.runDir(newId)));
        Path workFolder;
        if (options.workdir() != null) {
            workFolder = options.workdir().toAbsolutePath().normalize();
            if (Files.exists(workFolder) && !isEmptyFolder(workFolder)) {
                throw KeelException.invalid("--workdir " + workFolder + " is not an empty folder: give a new or empty "
                        + "one (keel reproduce clones the repository into it)");
            }
        } else {
            workFolder = Path.of(System.getProperty("java.io.tmpdir"), "keel-reproduce-" + newId);
        }
        List<String> command = new ArrayList<>();
        for (String word : recorded) {
            command.add(moved(word, root, workFolder.toString()));
        }
        List<RunInput> inputs = datasets == null ? List.of() : datasets.inputsOf(id);
        for (RunInput in : inputs) {
            try {
                datasets.show(in.ref());
            } catch (KeelException e) {
                throw KeelException.invalid("cannot reproduce run " + id + ": it used the dataset version " + in.ref()
                        + " (" + in.hash() + "), which is not in " + home.root() + " (" + e.getMessage()
                        + "). Fetch it with 'keel data pull " + in.ref() + "' from the server that has it");
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        Set<String> recordedNames = new TreeSet<>();
        if (provenance.get("environment") instanceof Map<?, ?> recordedEnv) {
            recordedEnv.forEach((k, v) -> {
                String name = String.valueOf(k);
                recordedNames.add(name);
                if (!NOT_RESTORED.contains(name) && !name.startsWith("KEEL_REPRODUCE_") && v != null) {
                    env.put(name, String.valueOf(v));
                }
            });
        }
        env.put("KEEL_HOME", home.root().toString());
        env.put("KEEL_RUN_ID", newId);
        if (options.steps() != null) {
            env.put("KEEL_REPRODUCE_STEPS", String.valueOf(options.steps()));
        }
        if (!inputs.isEmpty()) {
            List<String> pins = new ArrayList<>();
            inputs.forEach(in -> pins.add(in.ref()));
            env.put("KEEL_REPRODUCE_DATASETS", String.join(",", pins));
        }
        env.putAll(options.overrides());
        Set<String> unset = new TreeSet<>();
        for (String name : currentEnvironment.keySet()) {
            boolean identity = name.equals("KEEL_RESUME")
                    || name.equals("KEEL_SWEEP")
                    || name.equals("KEEL_URL")
                    || name.equals("KEEL_MODE");
            boolean unrecordedThreads = THREAD_VARIABLE.matcher(name).matches() && !recordedNames.contains(name);
            if ((identity || unrecordedThreads) && !options.overrides().containsKey(name)) {
                unset.add(name);
            }
        }
        return new ReproducePlan(
                id,
                newId,
                repository,
                source,
                commit,
                diff,
                workFolder,
                options.workdir() != null,
                workFolder.resolve(Path.of(root).relativize(workingDir)),
                List.copyOf(command),
                env,
                unset,
                inputs,
                options.build(),
                !options.rebuild(),
                options.steps() == null ? Long.MAX_VALUE : options.steps());
    }

    private static String savedDiff(Store store, BlobStore blobs, String id) {
        String hash = RunEnvironments.diffHash(store, id);
        if (hash == null) {
            throw KeelException.invalid("cannot reproduce run " + id + ": it had uncommitted changes but no saved "
                    + RunEnvironments.DIFF_FILE + " (its provenance capture did not finish), so the code it ran is "
                    + "unknown");
        }
        try (InputStream in = blobs.open(hash)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw KeelException.invalid("cannot reproduce run " + id + ": its saved " + RunEnvironments.DIFF_FILE + " ("
                    + hash + ") cannot be read (" + e + "); run 'keel data verify' or restore the blob folder");
        }
    }

    private static List<String> recordedCommand(String id, Map<String, Object> provenance) {
        Object section = provenance.get("command");
        if (!(section instanceof Map<?, ?> m) || !(m.get("argv") instanceof List<?> words) || words.isEmpty()) {
            throw KeelException.invalid("cannot reproduce run " + id + ": it recorded no command line to start again");
        }
        List<String> command = words.stream().map(String::valueOf).toList();
        if (command.contains("***")) {
            throw KeelException.invalid("cannot reproduce run " + id + ": its command line held a secret that Keel did "
                    + "not record (shown as ***)");
        }
        return command;
    }

    private static Path recordedWorkingDir(String id, Map<String, Object> provenance, Path root) {
        Object dir = provenance.get("command") instanceof Map<?, ?> m ? m.get("working_dir") : null;
        Path wd = dir == null ? root : Path.of(dir.toString()).normalize();
        if (!wd.startsWith(root)) {
            throw KeelException.invalid("cannot reproduce run " + id + ": it started in " + wd + ", outside its "
                    + "repository " + root + ", so the folder it needs cannot be re-created from the commit");
        }
        return wd;
    }

    /** A path into the original repository (alone, or inside a class path) moved into the work folder. */
    static String moved(String word, String root, String into) {
        Matcher m = Pattern.compile("(?:^|(?<=[=" + Pattern.quote(File.pathSeparator) + "]))" + Pattern.quote(root)
                        + "(?=$|[/" + Pattern.quote(File.pathSeparator) + "=])")
                .matcher(word);
        return m.replaceAll(Matcher.quoteReplacement(into));
    }

    /** The class path a command starts with ({@code -cp}, {@code -classpath}, {@code --class-path}, {@code -jar}). */
    static String classPath(List<String> command) {
        for (int i = 1; i + 1 < command.size(); i++) {
            String w = command.get(i);
            if (w.equals("-cp") || w.equals("-classpath") || w.equals("--class-path") || w.equals("-jar")) {
                return command.get(i + 1);
            }
            if (!w.startsWith("-")) {
                break;
            }
        }
        return null;
    }

    private static boolean isEmptyFolder(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
