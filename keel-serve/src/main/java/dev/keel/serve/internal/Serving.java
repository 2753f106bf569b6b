package dev.keel.serve.internal;

import dev.keel.Run;
import dev.keel.core.KeelException;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.model.ModelVersion;
import dev.keel.serve.ServeOptions;
import dev.keel.server.http.OriginGuard;
import dev.keel.server.http.Router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/** A started serving process's parts: versions, HTTP front, monitor. {@code ModelServer} is its face. */
public final class Serving implements AutoCloseable {
    /**
     * Event-loop threads: one a core (at most 4). They parse requests, and decode a JSON request's
     * images, while the workers compute; with one, a JSON request being decoded would hold up
     * every other connection.
     */
    private static final int IO_THREADS =
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private final Versions versions;
    private final NettyFront front;
    private final Monitor monitor;

    private Serving(Versions versions, NettyFront front, Monitor monitor) {
        this.versions = versions;
        this.front = front;
        this.monitor = monitor;
    }

    /** Loads the version, then listens; {@code run} (may be null) receives the statistics. */
    public static Serving start(ModelRegistry registry, ServeOptions options, Run run) {
        options.validate();
        ApiKeys keys = new ApiKeys(options.apiKeys());
        if (!keys.required() && !loopback(options.host())) {
            throw KeelException.invalid("keel serve bound to " + options.host() + " would let anyone on the network"
                    + " use the model: give API keys (--api-key-file FILE, or KEEL_SERVE_API_KEYS=key1,key2), or bind"
                    + " to 127.0.0.1");
        }
        ServeMetrics metrics = new ServeMetrics();
        Versions versions;
        try {
            versions = new Versions(registry, options, metrics, new RunEvents(run));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the serving folder", e);
        }
        try {
            versions.start();
            Router router = new Router(keys, keys::check, options.maxBodyBytes());
            router.guard(new OriginGuard(options.allowedHosts()));
            new ServeApi(versions, metrics, options.webDir()).register(router, keys.required());
            NettyFront front = NettyFront.start(
                    options.host(),
                    options.port(),
                    router,
                    options.maxBodyBytes(),
                    options.idleTimeoutMs(),
                    options.maxConnections(),
                    IO_THREADS);
            Monitor monitor = run == null ? null : new Monitor(run, metrics, versions, options.monitorMs());
            return new Serving(versions, front, monitor);
        } catch (IOException e) {
            versions.close();
            throw new UncheckedIOException(
                    "cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage()
                            + " (is another server on that port? pick one with --port)",
                    e);
        } catch (RuntimeException | Error e) {
            versions.close();
            throw e;
        }
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw KeelException.invalid("--host " + host + " is not an address of this machine");
        }
    }

    public int port() {
        return front.port();
    }

    public String host() {
        return front.host();
    }

    /** The version taking new requests. */
    public ModelVersion serving() {
        return versions.current().version();
    }

    public Map<String, Object> health() {
        return versions.health();
    }

    /** Reads the alias now instead of at the next poll (tests, and a push from the server). */
    public void checkNow() {
        versions.check();
    }

    @Override
    public void close() {
        front.stop(1);
        if (monitor != null) {
            monitor.close();
        }
        versions.close();
    }

    /** Load events into the log (stderr) and the run. */
    private record RunEvents(Run run) implements Versions.Events {
        @Override
        public void loaded(ModelVersion version, ModelVersion replaced, long millis) {
            System.err.println("keel serve: serving " + version.ref()
                    + (replaced == null ? "" : " (replaces " + replaced.ref() + ", which drains and unloads)")
                    + ", loaded in " + millis + " ms");
            if (run != null) {
                run.log(Map.of("serve/version", version.version(), "serve/load_ms", millis));
                run.summary().put("serving_version", version.ref());
            }
        }

        @Override
        public void loadFailed(ModelVersion version, String message) {
            System.err.println(
                    "keel serve: cannot serve " + version.ref() + ", still serving the version before it: " + message);
            if (run != null) {
                run.log(Map.of("serve/load_failures", 1));
                run.summary().put("last_load_failure", version.ref() + ": " + message);
            }
        }

        @Override
        public void registryUnreachable(String message) {
            System.err.println("keel serve: " + message);
            if (run != null) {
                run.log(Map.of("serve/registry_errors", 1));
            }
        }
    }
}
