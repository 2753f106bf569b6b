package dev.keel.cli;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelException;
import dev.keel.core.model.ModelRef;
import dev.keel.core.model.RegisteredModel;
import dev.keel.serve.ModelServer;
import dev.keel.serve.ServeOptions;
import dev.keel.server.http.OriginGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code keel serve NAME@ALIAS}: parses, starts a {@link ModelServer} recorded as a run, waits for a signal. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serves a registered model over HTTP (POST /v1/models/NAME:predict) and follows its alias: when the"
                    + " alias moves, the new version loads beside the old one and takes over once warm.",
            "The serving process is a Keel run (config job_type: serve) that logs request rate, latency, batch sizes,"
                    + " errors, predicted classes, input statistics and drift. See docs/serving.md."
        })
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    @Parameters(index = "0", paramLabel = "NAME@ALIAS", description = "What to serve: NAME@ALIAS, NAME:vN or NAME.")
    String ref;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "7090",
            description = "Port (default ${DEFAULT-VALUE}; 0 picks one).")
    int port;

    @Option(
            names = "--host",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "Address to bind (default ${DEFAULT-VALUE}); any other needs API keys.")
    String host;

    @Option(
            names = "--workers",
            paramLabel = "N",
            defaultValue = "2",
            description = "Model workers (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(
            names = "--max-batch",
            paramLabel = "B",
            defaultValue = "16",
            description = "Inputs per model call at most (default ${DEFAULT-VALUE}; 1 turns batching off).")
    int maxBatch;

    @Option(
            names = "--max-delay-ms",
            paramLabel = "D",
            defaultValue = "2",
            description = "How long a sole worker (--workers 1) waits for a batch to fill; with several, a free"
                    + " worker takes what is queued at once (default ${DEFAULT-VALUE}).")
    long maxDelayMs;

    @Option(
            names = "--pin",
            paramLabel = "VERSION",
            description = "Serve this version (3 or v3) and do not follow the alias.")
    String pin;

    @Option(
            names = "--poll-ms",
            paramLabel = "MS",
            defaultValue = "2000",
            description = "How often the alias is read (default ${DEFAULT-VALUE}).")
    long pollMs;

    @Option(
            names = "--api-key-file",
            paramLabel = "FILE",
            description = "API keys, one a line, that callers send as 'Authorization: Bearer KEY' (also"
                    + " KEEL_SERVE_API_KEYS=key1,key2).")
    Path apiKeyFile;

    @Option(names = "--allowed-hosts", paramLabel = "NAME[,NAME...]", description = "More host names callers use.")
    String allowedHosts;

    @Option(
            names = "--web",
            paramLabel = "DIR",
            description = "A folder of static pages to serve at / (an upload page).")
    Path web;

    @Option(
            names = "--monitor-interval-s",
            paramLabel = "S",
            defaultValue = "10",
            description = "Interval of the statistics logged into the run (default ${DEFAULT-VALUE}).")
    long monitorSeconds;

    @Option(names = "--no-run", description = "Record no run (statistics only on /metrics).")
    boolean noRun;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ServeOptions options = ServeOptions.of(ref)
                .pin(pin == null ? 0 : version(pin))
                .listen(host, port)
                .workers(workers)
                .batching(maxBatch, maxDelayMs)
                .pollMs(pollMs)
                .apiKeys(keys())
                .allowedHosts(OriginGuard.parse(allowedHosts))
                .monitorMs(monitorSeconds * 1000)
                .webDir(web)
                .validate();
        ModelAccess access = ModelAccess.open(home.access());
        Run run = null;
        ModelServer server;
        try {
            if (!noRun) {
                run = startRun(access, options, home.home);
            }
            server = ModelServer.start(access.registry(), options, run);
        } catch (RuntimeException e) {
            if (run != null) {
                run.fail(e);
            }
            access.close();
            throw e;
        }
        out.println("keel serve: " + server.serving().ref() + " on http://" + server.host() + ":" + server.port()
                + "/v1/models/" + options.modelRef().name() + ":predict"
                + (server.health().get("following") != null ? "  (following " + options.modelRef() + ")" : "  (pinned)")
                + (run == null ? "" : "  run " + run.name() + " (" + run.id() + ")"));
        out.flush();
        untilSignalled(server, run, access, out);
        return 0;
    }

    private static Run startRun(ModelAccess access, ServeOptions options, Path keelFolder) {
        ModelRef r = options.modelRef();
        RegisteredModel model = access.registry()
                .models()
                .model(r.name())
                .orElseThrow(() -> KeelException.notFound(
                        "no model named '" + r.name() + "': 'keel model ls' lists" + " the registered models"));
        return Keel.init(RunOptions.builder()
                .home(keelFolder)
                .project(model.project())
                .tags("serve")
                .group("serve-" + r.name())
                .config(options.runConfig())
                .systemMetrics(true)
                .build());
    }

    private List<String> keys() throws IOException {
        List<String> keys = new ArrayList<>();
        String env = System.getenv("KEEL_SERVE_API_KEYS");
        if (env != null) {
            for (String k : env.split(",")) {
                if (!k.isBlank()) {
                    keys.add(k.strip());
                }
            }
        }
        if (apiKeyFile != null) {
            for (String line : Files.readAllLines(apiKeyFile)) {
                if (!line.isBlank() && !line.strip().startsWith("#")) {
                    keys.add(line.strip());
                }
            }
            if (keys.isEmpty()) {
                throw KeelException.invalid("--api-key-file " + apiKeyFile + " holds no keys: write one key a line");
            }
        }
        return keys;
    }

    private static int version(String text) {
        String t = text.strip();
        if (!t.matches("v?[1-9][0-9]{0,8}")) {
            throw KeelException.invalid("--pin takes a version number, e.g. 3 or v3; got '" + text + "'");
        }
        return Integer.parseInt(t.startsWith("v") ? t.substring(1) : t);
    }

    private static void untilSignalled(ModelServer server, Run run, ModelAccess access, PrintWriter out) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            out.println("keel serve: stopping; answering the requests in flight");
                            out.flush();
                            try {
                                server.close();
                                if (run != null) {
                                    run.close();
                                }
                            } finally {
                                access.close();
                                stopped.countDown();
                            }
                        },
                        "keel-serve-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
