package dev.keel.cli;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.http.KeelHttp;
import dev.keel.core.http.NotKeelException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code keel login [URL]}: checks an API key with the server ({@code GET /api/v1/me}) and saves
 * it for that server in {@code ~/.keel/credentials.json}. The key comes from {@code --key}, else
 * from the terminal (not echoed) or stdin, so it need not appear in the shell's history.
 */
@Command(
        name = "login",
        mixinStandardHelpOptions = true,
        description = "Save an API key for a Keel server (checked with the server first) in ~/.keel/credentials.json,"
                + " readable by you only. Create keys with 'keel server users add NAME'.")
final class LoginCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "URL",
            description = "The server, e.g. http://keel.example:7080 (default: $KEEL_URL).")
    String url;

    @Option(names = "--key", paramLabel = "API_KEY", description = "The key (default: asked for, or read from stdin).")
    String key;

    @Option(
            names = "--credentials",
            paramLabel = "FILE",
            description = "Where to save it (default: ~/.keel/credentials.json).")
    Path credentials;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Output output = new Output(spec.commandLine());
        String server = url != null ? url : System.getenv("KEEL_URL");
        if (server == null || server.isBlank()) {
            throw KeelException.invalid("which server? give its URL: keel login http://HOST:PORT (or set KEEL_URL)");
        }
        server = CredentialsFile.normalize(server);
        if (!server.startsWith("http://") && !server.startsWith("https://")) {
            throw KeelException.invalid("'" + server + "' is not a server URL: write http://HOST:PORT or https://HOST");
        }
        String apiKey = key != null ? key.strip() : readKey(output, server);
        if (apiKey.isEmpty()) {
            throw KeelException.invalid("no API key given: pass --key, or type it when asked");
        }
        String user = whoAmI(server, apiKey);
        new CredentialsFile(credentials != null ? credentials : CredentialsFile.defaultPath())
                .save(server, user, apiKey);
        output.note("logged in to " + server + " as " + user);
        return 0;
    }

    private String readKey(Output output, String server) {
        Console console = System.console();
        if (console != null && isTerminal(console)) {
            char[] typed = console.readPassword("API key for %s: ", server);
            return typed == null ? "" : new String(typed).strip();
        }
        output.note("API key for " + server + ":");
        BufferedReader in = spec.root().userObject() instanceof KeelCommand k
                ? k.in
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            String line = in.readLine();
            return line == null ? "" : line.strip();
        } catch (IOException e) {
            throw KeelException.invalid("cannot read the API key from stdin: " + e.getMessage());
        }
    }

    /**
     * From JDK 22 on a console exists even when stdin is piped; {@code isTerminal()} (absent
     * before 22) tells them apart. Before 22, a console exists only for a terminal.
     */
    private static boolean isTerminal(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** The user the key belongs to, as the server says; fails clearly when it refuses the key or cannot be reached. */
    static String whoAmI(String server, String apiKey) {
        KeelHttp http = KeelHttp.connect(server, apiKey, Duration.ofSeconds(10), Duration.ofSeconds(30));
        try {
            return http.get("/api/v1/me").path("user").asText();
        } catch (NotKeelException e) {
            throw new KeelException(e.code(), e.getMessage() + "; nothing was saved", e);
        } catch (KeelException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED) {
                throw new KeelException(
                        ErrorCode.UNAUTHENTICATED,
                        server + " refused the key (revoked or mistyped);"
                                + " nothing was saved: ask an admin for a new one ('keel server users key NAME')",
                        e);
            }
            throw new KeelException(e.code(), e.getMessage() + "; nothing was saved", e);
        }
    }
}
