package dev.keel.cli;

import com.sun.net.httpserver.HttpServer;
import dev.keel.core.Json;
import dev.keel.core.access.AccessStore;
import dev.keel.core.access.AccessStores;
import dev.keel.core.access.Accounts;
import dev.keel.core.access.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code keel server users|teams} on a real store, and {@code keel login} against a real HTTP endpoint. */
class ServerUsersCommandTest {
    @TempDir
    Path dir;

    /** Runs a command object the way {@code keel server} will hang it: same output and error handling. */
    private static Cli.Result run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler(Errors::usage);
        int code = cl.execute(args);
        return new Cli.Result(code, out.toString(), err.toString());
    }

    /** {@code keel login ARGS} through the real command tree, typing {@code input}. */
    private static Cli.Result login(String input, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "login";
        System.arraycopy(args, 0, all, 1, args.length);
        return Cli.execute(input, all);
    }

    private Cli.Result users(String... args) {
        return run(new ServerUsersCommand(), withHome(args));
    }

    private Cli.Result teams(String... args) {
        return run(new ServerTeamsCommand(), withHome(args));
    }

    private String[] withHome(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = dir.resolve(".keel").toString();
        return all;
    }

    private AccessStore store() {
        return AccessStores.open("sqlite:" + dir.resolve(".keel/keel.db"));
    }

    @Test
    void addPrintsAWorkingKeyOnceAndLsRevokeAndTeamsManageTheDatabase() throws Exception {
        Cli.Result add = users("add", "ada", "--team", "vision", "--admin");
        assertEquals(0, add.code(), add.err());
        String key = add.out().strip();
        assertTrue(key.matches("keel_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}"), add.out());
        assertTrue(add.err().contains("It is shown only now"), add.err());
        String id = key.substring(5, 17);
        try (AccessStore store = store()) {
            User ada = new Accounts(store).verifyKey(key).orElseThrow();
            assertTrue(ada.admin());
            assertEquals(Set.of("vision"), store.teamsOf("ada"));
        }

        Cli.Result again = users("add", "ada");
        assertEquals(1, again.code());
        assertEquals("keel: user 'ada' already exists\n", again.err());
        Cli.Result badName = users("add", "a/b");
        assertEquals(2, badName.code());
        assertTrue(badName.err().contains("'a/b' is not a valid user name"), badName.err());

        Cli.Result ls = users("ls", "--format", "json");
        assertEquals(0, ls.code(), ls.err());
        List<?> rows = Json.MAPPER.readValue(ls.out(), List.class);
        Map<?, ?> row = (Map<?, ?>) rows.get(0);
        assertEquals("ada", row.get("name"));
        assertEquals(List.of(id), row.get("keys"));
        assertFalse(ls.out().contains(key), "keys are listed by id only");

        Cli.Result second = users("key", "ada");
        assertEquals(0, second.code(), second.err());
        assertEquals(0, users("revoke", id).code());
        assertEquals(1, users("revoke", id).code(), "already revoked");
        try (AccessStore store = store()) {
            Accounts accounts = new Accounts(store);
            assertEquals(Optional.empty(), accounts.verifyKey(key));
            assertEquals(
                    "ada",
                    accounts.verifyKey(second.out().strip()).orElseThrow().name());
        }

        assertEquals(0, teams("add", "nlp").code());
        assertEquals(0, users("add", "bob").code());
        assertEquals(0, teams("add-member", "nlp", "bob").code());
        Cli.Result missing = teams("add-member", "nlp", "nobody");
        assertEquals(1, missing.code());
        assertEquals("keel: no user 'nobody': create it with 'keel server users add nobody'\n", missing.err());
        Cli.Result teamList = teams("ls");
        assertTrue(teamList.out().contains("nlp"), teamList.out());
        assertTrue(teamList.out().matches("(?s).*nlp\\s+bob\\n.*"), teamList.out());
        assertTrue(teamList.out().matches("(?s).*vision\\s+ada\\n.*"), teamList.out());
    }

    @Test
    void loginChecksTheKeyWithTheServerAndSavesItReadableByTheUserOnly() throws Exception {
        String key;
        try (AccessStore store = store()) {
            key = new Accounts(store).createUser("ada", false, List.of(), null).key();
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // the one route 'keel login' calls, answering as the Keel server does
        server.createContext("/api/v1/me", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            Optional<User> user;
            try (AccessStore store = store()) {
                user = auth == null
                        ? Optional.empty()
                        : new Accounts(store).verifyKey(auth.substring("Bearer ".length()));
            }
            byte[] body = (user.isPresent()
                            ? "{\"user\": \"" + user.get().name() + "\"}"
                            : "{\"error_code\": \"UNAUTHENTICATED\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(user.isPresent() ? 200 : 401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Path credentials = dir.resolve("home/.keel/credentials.json");
            Files.createDirectories(credentials.getParent());
            Files.writeString(
                    credentials, "{\"servers\": {\"https://other.example\": {\"user\": \"x\", \"api_key\": \"k\"}}}");

            Cli.Result wrong = login("keel_wrong\n", url + "/", "--credentials", credentials.toString());
            assertEquals(1, wrong.code());
            assertTrue(wrong.err().contains("refused the key"), wrong.err());
            assertFalse(Files.readString(credentials).contains("keel_wrong"));

            Cli.Result ok = login(key + "\n", url + "/", "--credentials", credentials.toString());
            assertEquals(0, ok.code(), ok.err());
            assertTrue(ok.err().contains("logged in to " + url + " as ada"), ok.err());
            assertFalse(ok.out().contains(key) || ok.err().contains(key), "the key is never printed");
            Map<String, Object> saved = Json.readMap(Files.readString(credentials));
            assertEquals(
                    Map.of(
                            url,
                            Map.of("user", "ada", "api_key", key),
                            "https://other.example",
                            Map.of("user", "x", "api_key", "k")),
                    saved.get("servers"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));

            Cli.Result unreachable = login(
                    "",
                    "http://127.0.0.1:1",
                    "--key",
                    key,
                    "--credentials",
                    dir.resolve("c2.json").toString());
            assertEquals(1, unreachable.code());
            assertTrue(
                    unreachable.err().contains("cannot reach the Keel server at http://127.0.0.1:1"),
                    unreachable.err());
            assertFalse(Files.exists(dir.resolve("c2.json")));
        } finally {
            server.stop(0);
        }
    }
}
