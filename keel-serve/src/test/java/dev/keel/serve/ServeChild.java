package dev.keel.serve;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

/**
 * A serving process for tests: {@code ServeChild HOME REF [POLL_MS]} serves REF from the Keel
 * folder HOME on a free port, prints {@code PORT n}, and stops when its stdin closes.
 */
public final class ServeChild {
    private ServeChild() {}

    public static void main(String[] args) throws Exception {
        long poll = args.length > 2 ? Long.parseLong(args[2]) : 100;
        try (TinyModels models = new TinyModels(Path.of(args[0]));
                ModelServer server = ModelServer.start(
                        models.registry,
                        ServeOptions.of(args[1]).port(0).pollMs(poll).batching(8, 2),
                        null)) {
            System.out.println("PORT " + server.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            while (in.readLine() != null) {
                // wait for stdin to close
            }
        }
    }
}
