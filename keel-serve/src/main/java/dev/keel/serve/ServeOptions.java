package dev.keel.serve;

import dev.keel.core.KeelException;
import dev.keel.core.model.ModelRef;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How {@link ModelServer} serves: what it follows, where it listens, how it batches.
 *
 * <pre>{@code
 * ServeOptions o = ServeOptions.of("apparel-classifier@production").port(7090).batching(16, 5);
 * }</pre>
 *
 * @param ref            {@code NAME@ALIAS} (followed), {@code NAME:vN} or {@code NAME} (the latest, followed)
 * @param pin            a version number to serve instead of following {@code ref}; 0 to follow
 * @param workers        model workers, each with a predictor of its own
 * @param maxBatch       inputs per model call at most; 1 turns batching off
 * @param maxDelayMs     how long a sole worker waits for a batch to fill (several take what is queued at once)
 * @param pollMs         how often the alias is read
 * @param apiKeys        bearer keys callers must present; required when bound beyond loopback
 * @param allowedHosts   host names besides the bound address (Host and Origin checks)
 * @param maxBodyBytes   the largest request body
 * @param monitorMs      the interval of the statistics logged into the serving run
 * @param drainMs        how long a replaced version may take to answer what it holds
 * @param webDir         a folder of static pages served at {@code /}; null for none
 * @param workDir        where versions are pulled while served; null for a temporary folder
 * @param idleTimeoutMs  how long a connection may sit without a request before the server closes it,
 *                       and how long a client may take to send one request
 * @param maxConnections open connections at most; the server closes new ones past it
 */
public record ServeOptions(
        String ref,
        int pin,
        String host,
        int port,
        int workers,
        int maxBatch,
        long maxDelayMs,
        long pollMs,
        List<String> apiKeys,
        List<String> allowedHosts,
        long maxBodyBytes,
        long monitorMs,
        long drainMs,
        Path webDir,
        Path workDir,
        long idleTimeoutMs,
        int maxConnections) {

    public ServeOptions {
        apiKeys = List.copyOf(apiKeys);
        allowedHosts = List.copyOf(allowedHosts);
    }

    /** Defaults: 127.0.0.1:7090, 2 workers, batches of up to 16 waiting at most 2 ms, alias read every 2 s. */
    public static ServeOptions of(String ref) {
        return new ServeOptions(
                ref,
                0,
                "127.0.0.1",
                7090,
                2,
                16,
                2,
                2_000,
                List.of(),
                List.of(),
                2L << 20,
                10_000,
                30_000,
                null,
                null,
                60_000,
                10_000);
    }

    /** The ref parsed, refused with the forms it accepts when malformed. */
    public ModelRef modelRef() {
        return ModelRef.parse(ref);
    }

    /**
     * The config of the serving run: {@code job_type: serve}, {@code model} (the ref),
     * {@code model_name} (what the dashboard's drift panel finds a model's serving runs by) and
     * the serving settings.
     */
    public Map<String, Object> runConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("job_type", "serve");
        config.put("model", ref);
        config.put("model_name", modelRef().name());
        config.put("pin", pin);
        config.put("workers", workers);
        config.put("max_batch", maxBatch);
        config.put("max_delay_ms", maxDelayMs);
        return config;
    }

    /** Fails with a message naming the option and the fix when a value cannot work. */
    public ServeOptions validate() {
        modelRef();
        if (pin < 0) {
            throw KeelException.invalid("--pin takes a version number (3 or v3), got " + pin);
        }
        if (port < 0 || port > 65535) {
            throw KeelException.invalid("--port must be 0-65535 (0 picks a free port), got " + port);
        }
        if (workers < 1 || workers > 64) {
            throw KeelException.invalid("--workers must be 1-64, got " + workers);
        }
        if (maxBatch < 1 || maxBatch > 1024) {
            throw KeelException.invalid("--max-batch must be 1-1024 (1 turns batching off), got " + maxBatch);
        }
        if (maxDelayMs < 0 || maxDelayMs > 10_000) {
            throw KeelException.invalid("--max-delay-ms must be 0-10000, got " + maxDelayMs);
        }
        if (pollMs < 50) {
            throw KeelException.invalid("the alias poll interval must be at least 50 ms, got " + pollMs);
        }
        if (maxBodyBytes < 1024) {
            throw KeelException.invalid("the body limit must be at least 1 KiB, got " + maxBodyBytes);
        }
        if (idleTimeoutMs < 100) {
            throw KeelException.invalid("the idle connection timeout must be at least 100 ms, got " + idleTimeoutMs);
        }
        if (maxConnections < 1) {
            throw KeelException.invalid("the connection limit must be at least 1, got " + maxConnections);
        }
        return this;
    }

    public ServeOptions pin(int version) {
        return with(c -> c.pin = version);
    }

    public ServeOptions listen(String h, int p) {
        return with(c -> {
            c.host = h;
            c.port = p;
        });
    }

    public ServeOptions port(int p) {
        return listen(host, p);
    }

    public ServeOptions workers(int n) {
        return with(c -> c.workers = n);
    }

    public ServeOptions batching(int batch, long delayMs) {
        return with(c -> {
            c.maxBatch = batch;
            c.maxDelayMs = delayMs;
        });
    }

    public ServeOptions pollMs(long ms) {
        return with(c -> c.pollMs = ms);
    }

    public ServeOptions apiKeys(List<String> keys) {
        return with(c -> c.apiKeys = keys);
    }

    public ServeOptions allowedHosts(List<String> names) {
        return with(c -> c.allowedHosts = names);
    }

    public ServeOptions maxBodyBytes(long bytes) {
        return with(c -> c.maxBodyBytes = bytes);
    }

    public ServeOptions monitorMs(long ms) {
        return with(c -> c.monitorMs = ms);
    }

    public ServeOptions webDir(Path dir) {
        return with(c -> c.webDir = dir);
    }

    public ServeOptions workDir(Path dir) {
        return with(c -> c.workDir = dir);
    }

    /** Closes connections idle (or slow to send a request) this long; see {@link #idleTimeoutMs}. */
    public ServeOptions idleTimeoutMs(long ms) {
        return with(c -> c.idleTimeoutMs = ms);
    }

    /** The most connections open at once; see {@link #maxConnections}. */
    public ServeOptions maxConnections(int n) {
        return with(c -> c.maxConnections = n);
    }

    /** A copy with {@code change} applied: every wither above changes its fields and keeps the rest. */
    private ServeOptions with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new ServeOptions(
                c.ref,
                c.pin,
                c.host,
                c.port,
                c.workers,
                c.maxBatch,
                c.maxDelayMs,
                c.pollMs,
                c.apiKeys,
                c.allowedHosts,
                c.maxBodyBytes,
                c.monitorMs,
                c.drainMs,
                c.webDir,
                c.workDir,
                c.idleTimeoutMs,
                c.maxConnections);
    }

    /** The fields of a {@link ServeOptions}, open to change while a wither makes the next one. */
    private static final class Copy {
        String ref;
        int pin;
        String host;
        int port;
        int workers;
        int maxBatch;
        long maxDelayMs;
        long pollMs;
        List<String> apiKeys;
        List<String> allowedHosts;
        long maxBodyBytes;
        long monitorMs;
        long drainMs;
        Path webDir;
        Path workDir;
        long idleTimeoutMs;
        int maxConnections;

        Copy(ServeOptions o) {
            ref = o.ref;
            pin = o.pin;
            host = o.host;
            port = o.port;
            workers = o.workers;
            maxBatch = o.maxBatch;
            maxDelayMs = o.maxDelayMs;
            pollMs = o.pollMs;
            apiKeys = o.apiKeys;
            allowedHosts = o.allowedHosts;
            maxBodyBytes = o.maxBodyBytes;
            monitorMs = o.monitorMs;
            drainMs = o.drainMs;
            webDir = o.webDir;
            workDir = o.workDir;
            idleTimeoutMs = o.idleTimeoutMs;
            maxConnections = o.maxConnections;
        }
    }
}
