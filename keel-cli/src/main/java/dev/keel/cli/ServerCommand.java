package dev.keel.cli;

import dev.keel.cli.server.DbLocation;
import dev.keel.cli.server.ServerAssembly;
import dev.keel.cli.server.ServerConfig;
import dev.keel.cli.server.Serving;
import dev.keel.server.KeelServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code keel server}: the team server over PostgreSQL (or SQLite) and a folder or S3 bucket. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the Keel server (REST API under /api/v1, /metrics, /healthz) until SIGINT or SIGTERM.",
            "Each setting comes from its flag, else its environment variable, else the config file, else the default.",
            "Several processes may serve one database and bucket behind a load balancer."
        },
        subcommands = {ServerUsersCommand.class, ServerTeamsCommand.class},
        footer = {
            "%nEnvironment (a flag wins over it; it wins over the config file):",
            "  KEEL_SERVER_HOST, KEEL_SERVER_PORT, KEEL_DB, KEEL_BLOBS,",
            "  KEEL_SERVER_MAX_BODY_BYTES, KEEL_SERVER_ANONYMOUS_READS,",
            "  KEEL_SERVER_THREADS, KEEL_SERVER_REQUEST_LOG, KEEL_SERVER_ALLOWED_HOSTS,",
            "  KEEL_SERVER_REQUEST_TIMEOUT, KEEL_SERVER_MAX_HEADER_BYTES,",
            "  KEEL_SERVER_CONFIG (the config file, like --config)",
            "  S3: KEEL_S3_ENDPOINT, KEEL_S3_REGION, KEEL_S3_PATH_STYLE,",
            "      KEEL_S3_PART_SIZE_MB, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY",
            "      (in the config file: s3.endpoint, s3.region, ...)",
            "  PostgreSQL: KEEL_DB_USER, KEEL_DB_PASSWORD, KEEL_DB_POOL_SIZE"
        })
final class ServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "Port to listen on (default 8080; 0 picks a free one).")
    String port;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            description = "Address to bind (default 127.0.0.1; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--db", paramLabel = "DB", description = "The database: " + DbLocation.FORMS + ".")
    String db;

    @Option(
            names = "--blobs",
            paramLabel = "DIR|s3://BUCKET[/PREFIX]",
            description = "Where blobs live (default for a .keel folder or SQLite file: its blobs folder).")
    String blobs;

    @Option(
            names = "--max-body-bytes",
            paramLabel = "N",
            description = "Largest JSON request body (413 above; default 32 MiB).")
    String maxBodyBytes;

    @Option(
            names = "--anonymous-reads",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "true|false",
            description = "Let callers without an API key read public projects and datasets.")
    String anonymousReads;

    @Option(
            names = "--allowed-hosts",
            paramLabel = "NAME[,NAME...]",
            description = {
                "Host names browsers may reach the server by, besides its address, localhost and IP addresses"
                        + " (keel.example.com, *.example.com). Other Host headers are refused (DNS rebinding); bound to a"
                        + " non-loopback address with none given, any Host is answered.",
                "Writes from web pages on other origins are always refused; clients that are not browsers are unaffected."
            })
    String allowedHosts;

    @Option(names = "--threads", paramLabel = "N", description = "Request threads kept ready (default 32).")
    String threads;

    @Option(
            names = "--request-timeout",
            paramLabel = "SECONDS",
            description = "Time a client has to send its request before the response starts (default 300; 0 = none).")
    String requestTimeout;

    @Option(
            names = "--request-log",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "true|false",
            description = "One line per request on stdout (default true).")
    String requestLog;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "A YAML file with the same settings (see docs/server.md).")
    Path config;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> flags = new LinkedHashMap<>();
        put(flags, "port", port);
        put(flags, "host", host);
        put(flags, "db", db);
        put(flags, "blobs", blobs);
        put(flags, "max-body-bytes", maxBodyBytes);
        put(flags, "anonymous-reads", anonymousReads);
        put(flags, "threads", threads);
        put(flags, "allowed-hosts", allowedHosts);
        put(flags, "request-timeout", requestTimeout);
        put(flags, "request-log", requestLog);
        ServerConfig resolved = ServerConfig.resolve(flags, System.getenv(), config);
        resolved.describe().forEach(line -> out.println("  " + line));
        if (resolved.allowedHosts().isEmpty() && !isLoopback(resolved.host())) {
            out.println("  note: bound to " + resolved.host() + " with no --allowed-hosts, so any Host is answered;"
                    + " list the names browsers use to reach this server to refuse DNS-rebinding pages");
        }
        KeelServer server = ServerAssembly.build(resolved, out).start();
        out.println("Keel server listening on " + server.url() + "  (Ctrl-C to stop)");
        out.flush();
        Serving.untilSignalled(server, out);
        return 0;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    private static void put(Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
