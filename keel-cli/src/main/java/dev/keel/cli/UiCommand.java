package dev.keel.cli;

import dev.keel.cli.server.Serving;
import dev.keel.core.KeelHome;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import dev.keel.server.http.OriginGuard;
import dev.keel.server.ops.RequestLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code keel ui}: the server for one person, on the embedded store, bound to 127.0.0.1. */
@Command(
        name = "ui",
        mixinStandardHelpOptions = true,
        description = {
            "Serves this machine's runs (the embedded .keel store) on http://127.0.0.1:PORT until Ctrl-C.",
            "Only this machine can connect; no sign-in is needed.",
            "Web pages on other origins cannot change anything, and a Host other than localhost, an IP address"
                    + " or a name given with --allowed-hosts is refused (DNS rebinding)."
        })
final class UiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--home",
            paramLabel = "DIR",
            description =
                    "The .keel folder to serve (default: $KEEL_HOME, else the nearest .keel walking up, else ~/.keel).")
    Path home;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "7080",
            description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
            names = "--allowed-hosts",
            paramLabel = "NAME[,NAME...]",
            description = "More host names the browser may reach the UI by (e.g. a name in /etc/hosts or a proxy's).")
    String allowedHosts;

    @Option(names = "--open", description = "Open the page in the default browser.")
    boolean open;

    @Option(names = "--log-requests", description = "One line per request on stdout.")
    boolean logRequests;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        KeelHome keelHome = home != null ? new KeelHome(home) : KeelHome.resolve();
        ServerSettings settings = ServerSettings.local(port).withAllowedHosts(OriginGuard.parse(allowedHosts));
        KeelServer server;
        if (logRequests) {
            RequestLog log = new RequestLog(line -> {
                out.println(line);
                out.flush();
            });
            server = KeelServer.embedded(keelHome, settings, log);
        } else {
            server = KeelServer.embedded(keelHome, settings);
        }
        server.start();
        out.println("Keel UI on " + server.url() + "/  (runs from " + keelHome.root() + "; Ctrl-C to stop)");
        out.flush();
        if (open) {
            browse(server.url() + "/", out);
        }
        Serving.untilSignalled(server, out);
        return 0;
    }

    private static void browse(String url, PrintWriter out) {
        String os = System.getProperty("os.name", "").toLowerCase();
        String[] command = os.contains("mac")
                ? new String[] {"open", url}
                : os.contains("win")
                        ? new String[] {"rundll32", "url.dll,FileProtocolHandler", url}
                        : new String[] {"xdg-open", url};
        try {
            new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            out.println("(could not open a browser: " + e.getMessage() + "; open " + url + " yourself)");
        }
    }
}
