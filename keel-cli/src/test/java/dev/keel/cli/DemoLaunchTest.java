package dev.keel.cli;

import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.checkout.ExampleBuild;
import dev.keel.cli.checkout.KeelCheckout;
import dev.keel.cli.demo.ExperimentLaunch;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code keel demo} starts, checked without training anything. */
class DemoLaunchTest {
    @TempDir
    Path dir;

    private KeelCheckout fakeCheckout() throws Exception {
        Path example = dir.resolve("keel").resolve(KeelCheckout.EXAMPLE);
        Files.createDirectories(example.resolve("target/classes"));
        Files.writeString(dir.resolve("keel/pom.xml"), "<project/>");
        Files.writeString(example.resolve("pom.xml"), "<project/>");
        Files.createDirectories(example.resolve("src/main/java/x"));
        Files.writeString(example.resolve("src/main/java/x/A.java"), "class A {}");
        Files.setLastModifiedTime(example.resolve("src/main/java/x/A.java"), FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(example.resolve("pom.xml"), FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(dir.resolve("keel/pom.xml"), FileTime.fromMillis(1_000_000));
        return new KeelCheckout(dir.resolve("keel"));
    }

    @Test
    void demoTrainsTheExampleInAChildJvmWithItsOwnClassPathOfflineAndTracked() throws Exception {
        KeelCheckout checkout = fakeCheckout();
        ExampleBuild build = new ExampleBuild(checkout);
        Files.writeString(
                build.classpathFile(),
                "/m2/ai/djl/api.jar" + File.pathSeparator
                        + "/m2/ai/djl/pytorch/pytorch-native-cpu-2.7.1-linux-x86_64.jar\n");
        Path home = dir.resolve("home/.keel");

        ExperimentLaunch launch =
                DemoCommand.plan(checkout, build.classpath(), home, null, List.of("epochs=3", "network=cnn"));

        List<String> cmd = launch.command();
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), cmd.get(0));
        assertTrue(cmd.contains("-Dai.djl.offline=true"), cmd.toString());
        String cp = cmd.get(cmd.indexOf("-cp") + 1);
        assertEquals(
                String.join(
                        File.pathSeparator,
                        checkout.example().resolve("target/classes").toString(),
                        "/m2/ai/djl/api.jar",
                        "/m2/ai/djl/pytorch/pytorch-native-cpu-2.7.1-linux-x86_64.jar"),
                cp);
        assertEquals(
                List.of(ExperimentLaunch.MAIN, "epochs=3", "network=cnn"), cmd.subList(cmd.size() - 3, cmd.size()));
        assertEquals(checkout.example(), launch.workDir());
        assertEquals("true", launch.environment().get("OPT_OUT_TRACKING"));
        assertEquals(home.toString(), launch.environment().get("KEEL_HOME"));
        assertEquals("FALSE", launch.environment().get("MKL_DYNAMIC"));
        assertEquals(DemoCommand.DEFAULT_PROJECT, DemoCommand.projectOf(launch.args()));
    }

    @Test
    void projectOptionBecomesAnOverrideAndPicksTheTable() throws Exception {
        KeelCheckout checkout = fakeCheckout();
        ExperimentLaunch launch = DemoCommand.plan(checkout, List.of("c"), dir, "mine", List.of("cnn"));
        assertEquals(List.of("cnn", "project=mine"), launch.args());
        assertEquals("mine", DemoCommand.projectOf(launch.args()));
    }

    @Test
    void theExampleIsRebuiltOnlyWhenASourceIsNewerThanItsClassPathFile() throws Exception {
        KeelCheckout checkout = fakeCheckout();
        ExampleBuild build = new ExampleBuild(checkout);
        assertTrue(build.stale(), "no class path file yet");
        Files.writeString(build.classpathFile(), "x.jar");
        assertFalse(build.stale());
        Path cliSource = checkout.root().resolve("keel-cli/src/main/java/C.java");
        Files.createDirectories(cliSource.getParent());
        Files.writeString(cliSource, "class C {}");
        Files.setLastModifiedTime(cliSource, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertFalse(build.stale(), "the example does not use keel-cli");
        Path source = checkout.example().resolve("src/main/java/x/A.java");
        Files.setLastModifiedTime(source, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertTrue(build.stale(), "a newer source");
        assertEquals(
                List.of(
                        "mvn",
                        "-q",
                        "-B",
                        "-pl",
                        KeelCheckout.EXAMPLE,
                        "-am",
                        "-DskipTests",
                        "compile",
                        "dependency:build-classpath",
                        "-DincludeScope=runtime",
                        "-Dmdep.outputFile=target/runtime-classpath.txt"),
                build.mavenCommand());
    }

    @Test
    void theDemoTableLeavesTheDatasetChecksumsToRunShow() {
        RunInfo run = new RunInfo(
                "abcd1234",
                "apparel-classifier",
                "n",
                null,
                "u",
                List.of(),
                null,
                RunState.FINISHED,
                1,
                1,
                2,
                1,
                null,
                "h",
                1,
                Map.of("epochs", 5, "dataset", Map.of("name", "fashion-mnist")),
                Map.of("test_accuracy", 0.887));
        RunInfo shown = DemoCommand.withoutDataset(run);
        assertEquals(Map.of("epochs", 5), shown.config());
        assertEquals(run.summary(), shown.summary());
        assertEquals(run.withState(RunState.FINISHED).id(), shown.id());
    }

    @Test
    void aKilledTrainingIsNamedBySignalWithTheCommandThatContinuesIt() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        p.destroyForcibly(); // SIGKILL
        int code = p.waitFor();
        assertEquals(137, code);
        assertEquals(
                "the training was killed by SIGKILL (signal 9)\ncontinue it with: ./keel run resume abcd1234",
                DemoCommand.stopped(code, "abcd1234", null));
        assertEquals(
                "the training was killed by SIGKILL (signal 9)\ncontinue it with: ./keel run resume abcd1234"
                        + " --home /x/.keel",
                DemoCommand.stopped(code, "abcd1234", Path.of("/x/.keel")));
        assertEquals("the training exited with code 2 (its message is above)", DemoCommand.stopped(2, null, null));
        assertEquals("the training was killed by signal 40", DemoCommand.stopped(168, null, null));
    }

    @Test
    void theRunToContinueIsTheNewestUnfinishedOneStartedSinceTheLaunch() throws Exception {
        Path home = dir.resolve(".keel");
        long since = System.currentTimeMillis();
        List<String> command = new ArrayList<>(ChildJvm.command(ResumableProgram.class));
        command.add(home.toString());
        Process failing = new ProcessBuilder(command).redirectErrorStream(true).start();
        String printed = new String(failing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, failing.waitFor(), printed);
        String id = printed.lines()
                .filter(l -> l.startsWith("id "))
                .findFirst()
                .orElseThrow()
                .split(" ")[1];

        StoreAccess access = StoreAccess.of(home);
        assertEquals(id, DemoCommand.unfinishedRun(access, "resumable", since));
        assertEquals(null, DemoCommand.unfinishedRun(access, "resumable", System.currentTimeMillis() + 1));
        assertEquals(null, DemoCommand.unfinishedRun(access, "other", since));
    }

    @Test
    void quickTakesNoExperimentArguments() {
        Cli.Result r = new Cli(dir.resolve(".keel")).run("demo", "--quick", "epochs=3");
        assertEquals(2, r.code());
        assertTrue(
                r.err().contains("--quick trains the built-in example, which takes no experiment arguments (epochs=3)"),
                r.err());
    }

    @Test
    void theCliFindsTheCheckoutItWasBuiltFrom() {
        // Tests run from keel-cli/target/classes, two levels below the root like keel-cli/target/keel.jar.
        KeelCheckout checkout = KeelCheckout.locate();
        assertTrue(
                Files.isRegularFile(checkout.example().resolve("training/experiments/mlp.yaml")), checkout.toString());
    }
}
