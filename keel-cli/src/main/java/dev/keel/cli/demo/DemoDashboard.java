package dev.keel.cli.demo;

import dev.keel.core.KeelHome;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;

import java.io.UncheckedIOException;

/**
 * The dashboard {@code keel demo} ends with: {@code keel ui}'s server on 127.0.0.1. When the
 * default port is taken (a {@code keel ui} already running, say) a free one is used instead.
 */
public final class DemoDashboard {
    /** The port {@code keel ui} uses by default. */
    public static final int DEFAULT_PORT = 7080;

    private DemoDashboard() {}

    /** A started server on {@code port} (0: any free one), or a free port when the default is taken. */
    public static KeelServer start(KeelHome home, int port) {
        KeelServer server = KeelServer.embedded(home, ServerSettings.local(port));
        try {
            return server.start();
        } catch (UncheckedIOException e) {
            server.close();
            if (port != DEFAULT_PORT) {
                throw e;
            }
            return KeelServer.embedded(home, ServerSettings.local(0)).start();
        }
    }
}
