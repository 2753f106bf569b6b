package dev.keel.cli.demo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The child JVM that {@code keel demo} starts to train the reference project's experiment:
 * {@code java -cp CLASSPATH RunExperiment [EXPERIMENT] [key=value…]} in the example's folder,
 * offline for DJL ({@code -Dai.djl.offline=true} and {@code OPT_OUT_TRACKING=true}), recording
 * into the Keel home the CLI resolved. Training in a child keeps PyTorch off the CLI's class path.
 *
 * @param java      the java binary
 * @param workDir   the reference project's folder (experiments are found under its {@code training/experiments})
 * @param classpath class path entries, the example's classes first
 * @param keelHome  the {@code .keel} folder the run is recorded in
 * @param args      passed to {@code RunExperiment} unchanged: an experiment name and/or {@code key=value} overrides
 */
public record ExperimentLaunch(Path java, Path workDir, List<String> classpath, Path keelHome, List<String> args) {
    public static final String MAIN = "dev.keel.examples.apparel.training.RunExperiment";

    public ExperimentLaunch {
        classpath = List.copyOf(classpath);
        args = List.copyOf(args);
    }

    /** The java binary of the running JVM. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classpath));
        cmd.add(MAIN);
        cmd.addAll(args);
        return cmd;
    }

    /** Variables set in the child's environment, on top of the CLI's own. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OPT_OUT_TRACKING", "true");
        env.put("KEEL_HOME", keelHome.toString());
        // the math libraries keep the thread count the experiment pins, busy machine or not:
        // a reduction split another way differs in its last bits, and a resumed run must not
        env.put("MKL_DYNAMIC", "FALSE");
        env.put("OMP_DYNAMIC", "FALSE");
        return env;
    }

    /** Starts the child with this terminal as its console (so the progress bar draws in place) and waits for it. */
    public int runInheritingIo() throws IOException, InterruptedException {
        ProcessBuilder pb =
                new ProcessBuilder(command()).directory(workDir.toFile()).inheritIO();
        pb.environment().putAll(environment());
        Process p = pb.start();
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            throw e;
        }
    }
}
