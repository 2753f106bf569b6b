package dev.keel.serve;

import dev.keel.Run;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.model.ModelVersion;
import dev.keel.serve.internal.Serving;

import java.util.Map;

/**
 * Serves the model version a ref names over HTTP and follows the ref: {@code keel serve}'s engine.
 * The version is loaded (and warmed up) before the port opens, so a listening server is a ready
 * one. Requests are batched per {@link ServeOptions}; when the alias moves the new version is
 * loaded beside the old one and takes over once warm, and the old one drains.
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.start(registry, ServeOptions.of("apparel@production").port(0), run)) {
 *     // POST http://127.0.0.1:{server.port()}/v1/models/apparel:predict
 * }
 * }</pre>
 *
 * Fails to start, with a message naming the problem and the fix, when the registry cannot be
 * read, the ref names nothing, the version has no {@link ServingDescriptor} or cannot be loaded,
 * or the server would be reachable beyond loopback without API keys.
 */
public final class ModelServer implements AutoCloseable {
    private final Serving serving;

    private ModelServer(Serving serving) {
        this.serving = serving;
    }

    /** Loads the version and starts listening; {@code run} (may be null) receives the statistics. */
    public static ModelServer start(ModelRegistry registry, ServeOptions options, Run run) {
        return new ModelServer(Serving.start(registry, options, run));
    }

    public int port() {
        return serving.port();
    }

    public String host() {
        return serving.host();
    }

    /** The version taking new requests now. */
    public ModelVersion serving() {
        return serving.serving();
    }

    /** What {@code /healthz} answers. */
    public Map<String, Object> health() {
        return serving.health();
    }

    /** Reads the followed ref at once instead of at the next poll. */
    public void checkNow() {
        serving.checkNow();
    }

    /** Stops listening, lets the version answer what it holds, unloads it. */
    @Override
    public void close() {
        serving.close();
    }
}
