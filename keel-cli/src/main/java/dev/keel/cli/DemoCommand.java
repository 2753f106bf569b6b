package dev.keel.cli;

import dev.keel.cli.access.LiveRuns;
import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.checkout.ExampleBuild;
import dev.keel.cli.checkout.KeelCheckout;
import dev.keel.cli.demo.DemoDashboard;
import dev.keel.cli.demo.DemoTraining;
import dev.keel.cli.demo.ExitStatus;
import dev.keel.cli.demo.ExperimentLaunch;
import dev.keel.cli.server.Serving;
import dev.keel.cli.view.RunsTable;
import dev.keel.cli.view.Values;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.server.KeelServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code keel demo}: trains the reference project's default experiment (Fashion-MNIST, DJL) in a
 * child JVM, tracked, then prints the run's summary and the project's runs table, and serves the
 * dashboard (as {@code keel ui}) at the run's page until Ctrl-C.
 * {@code --quick} keeps the tiny built-in example (three runs in seconds, no DJL).
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Trains the reference project (examples/apparel-classifier: Fashion-MNIST with DJL), tracked in"
                    + " project apparel-classifier.",
            "Then prints the run's summary and the runs table, and serves the dashboard at the run's page"
                    + " (http://127.0.0.1:7080/runs/ID) until Ctrl-C; --no-ui ends after the table.",
            "Finds the data in ~/.keel/datasets, /usr/share/datasets/fashion-mnist, or downloads it.",
            "Arguments go to the experiment: keel demo epochs=3 network=cnn   |   keel demo cnn",
            "--quick instead trains a tiny built-in example three times (seconds, no DJL)."
        })
final class DemoCommand implements Callable<Integer> {
    static final String DEFAULT_PROJECT = "apparel-classifier";
    static final String QUICK_PROJECT = "demo";

    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-p", "--project"},
            paramLabel = "P",
            description = "The project the runs go to (default: apparel-classifier; demo with --quick).")
    String project;

    @Option(names = "--quick", description = "Train the tiny built-in example three times instead (seconds, no DJL).")
    boolean quick;

    @Option(names = "--no-ui", description = "End after the runs table instead of serving the dashboard.")
    boolean noUi;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "7080",
            description = "The dashboard's port on 127.0.0.1 (default ${DEFAULT-VALUE}, or a free one when it is taken;"
                    + " 0 picks a free one).")
    int port;

    @Parameters(
            paramLabel = "EXPERIMENT|KEY=VALUE",
            arity = "0..*",
            description = "An experiment of training/experiments (mlp, cnn) and/or overrides, passed to it.")
    List<String> experimentArgs = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        StoreAccess access = home.access();
        access.home().ensureExists();
        Output output = new Output(spec.commandLine());
        if (quick && !experimentArgs.isEmpty()) {
            throw KeelException.invalid("--quick trains the built-in example, which takes no experiment arguments ("
                    + String.join(" ", experimentArgs) + "); drop --quick to pass them to the reference project");
        }
        if (quick) {
            return quick(access, output, project != null ? project : QUICK_PROJECT);
        }
        KeelCheckout checkout = KeelCheckout.locate();
        ExampleBuild build = new ExampleBuild(checkout);
        build.ensureBuilt(output::note);
        ExperimentLaunch launch =
                plan(checkout, build.classpath(), access.home().root(), project, experimentArgs);
        String target = projectOf(launch.args());
        output.note("training " + KeelCheckout.EXAMPLE + " " + String.join(" ", experimentArgs) + "  (recording in "
                + access.home() + ", project " + target + ")");
        long launchedAt = System.currentTimeMillis();
        int code = launch.runInheritingIo();
        if (code != 0) {
            output.note(stopped(code, unfinishedRun(access, target, launchedAt), home.home));
            return Errors.ERROR;
        }
        List<RunInfo> runs;
        try (Store store = access.openExisting()) {
            runs = new LiveRuns(access.home()).effective(store.searchRuns(RunQuery.project(target)));
        }
        RunInfo newest = runs.stream()
                .max(Comparator.comparingLong(RunInfo::createdAt))
                .orElseThrow(() -> KeelException.notFound("the training finished but recorded no run in project "
                        + target + " at " + access.home() + " (was track=false given?)"));
        output.text(summary(newest));
        output.table(
                RunsTable.build(
                        runs.stream().map(DemoCommand::withoutDataset).toList(), System.currentTimeMillis(), false),
                Format.table);
        output.note("\nNext: ./keel runs --project " + target + " --sort -test_accuracy   |   ./keel run show "
                + newest.id() + "   |   ./keel demo network=cnn");
        return noUi ? 0 : serve(access, "/runs/" + newest.id());
    }

    /** Serves the dashboard until Ctrl-C, naming {@code page} (a dashboard route). */
    private int serve(StoreAccess access, String page) {
        KeelServer server = DemoDashboard.start(access.home(), port);
        PrintWriter out = spec.commandLine().getOut();
        out.println("\nDashboard: " + server.url() + page + "   (Ctrl-C stops it; ./keel ui serves it again)");
        out.flush();
        Serving.untilSignalled(server, spec.commandLine().getErr());
        return 0;
    }

    /**
     * What to say when the training did not end well: how it ended ("exited with code 1 (its
     * message is above)" or "was killed by SIGKILL (signal 9)", which leaves no message) and, when
     * it left a run to continue, the command that does.
     */
    static String stopped(int code, String runId, Path homeOption) {
        String how = ExitStatus.signal(code) != 0
                ? ExitStatus.describe(code)
                : ExitStatus.describe(code) + " (its message is above)";
        String message = "the training " + how;
        if (runId != null) {
            message += "\ncontinue it with: ./keel run resume " + runId
                    + (homeOption != null ? " --home " + homeOption : "");
        }
        return message;
    }

    /** The newest run of {@code project} started since {@code since} that did not finish, or null. */
    static String unfinishedRun(StoreAccess access, String project, long since) {
        try (Store store = access.openExisting()) {
            LiveRuns live = new LiveRuns(access.home());
            live.recover(store);
            return live.effective(store.searchRuns(RunQuery.project(project))).stream()
                    .filter(r -> r.createdAt() >= since && r.state() != RunState.FINISHED)
                    .max(Comparator.comparingLong(RunInfo::createdAt))
                    .map(RunInfo::id)
                    .orElse(null);
        } catch (RuntimeException e) {
            return null; // no store yet, or unreadable: the message stays without the hint
        }
    }

    /** The child JVM that trains: the example's main class with {@code args}, plus {@code project=P} when {@code --project} was given. */
    static ExperimentLaunch plan(
            KeelCheckout checkout, List<String> classpath, Path keelHome, String project, List<String> args) {
        List<String> all = new ArrayList<>(args);
        if (project != null) {
            all.add("project=" + project);
        }
        return new ExperimentLaunch(ExperimentLaunch.currentJava(), checkout.example(), classpath, keelHome, all);
    }

    /** The project the run lands in: the last {@code project=} override, else the experiment's default. */
    static String projectOf(List<String> args) {
        String p = DEFAULT_PROJECT;
        for (String a : args) {
            if (a.startsWith("project=")) {
                p = a.substring("project=".length());
            }
        }
        return p;
    }

    /**
     * The run without its {@code dataset} config (file checksums): in the table they would crowd
     * the summary metrics out of a terminal's width; {@code keel run show} still has them.
     */
    static RunInfo withoutDataset(RunInfo r) {
        Map<String, Object> config = new LinkedHashMap<>(r.config());
        config.remove("dataset");
        return r.withConfig(config);
    }

    private static String summary(RunInfo run) {
        StringBuilder sb = new StringBuilder("\nrun " + run.name() + " (" + run.id() + "), "
                + run.state().name().toLowerCase(Locale.ROOT) + "\n");
        for (Map.Entry<String, Object> e : new TreeMap<>(run.summary()).entrySet()) {
            if (!e.getKey().startsWith("system/")) {
                sb.append(String.format("  %-20s %s%n", e.getKey(), Values.brief(e.getValue())));
            }
        }
        return sb.append('\n').toString();
    }

    private int quick(StoreAccess access, Output output, String target) {
        output.note("recording demo runs in " + access.home());
        List<String> ids = DemoTraining.runAll(access.home().root(), target, output::note);
        List<RunInfo> runs;
        try (Store store = access.openExisting()) {
            runs = new LiveRuns(access.home()).effective(store.searchRuns(RunQuery.project(target)));
        }
        output.table(RunsTable.build(runs, System.currentTimeMillis(), false), Format.table);
        output.note("\n" + ids.size() + " runs recorded. Next: ./keel runs --project " + target
                + " --sort -val_accuracy   |   ./keel run show " + ids.get(0));
        return noUi
                ? 0
                : serve(
                        access,
                        "/projects/"
                                + URLEncoder.encode(target, StandardCharsets.UTF_8)
                                        .replace("+", "%20"));
    }
}
