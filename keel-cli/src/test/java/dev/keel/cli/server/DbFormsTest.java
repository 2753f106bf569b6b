package dev.keel.cli.server;

import dev.keel.cli.Cli;
import dev.keel.server.KeelServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code --db} takes the same forms: a user made with {@code keel server users add NAME --db FORM}
 * signs in to the server started with {@code --db FORM}, whichever form names the database.
 */
class DbFormsTest {
    @TempDir
    static Path shared;

    private static Backends backends;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() throws Exception {
        backends = new Backends(shared);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        backends.close();
    }

    private static Cli.Result keel(String... args) {
        return Cli.execute("", args);
    }

    /** Adds a user with {@code form}, then serves {@code form} and signs in with the printed key. */
    private void usersAddThenServe(String user, String form) throws Exception {
        Cli.Result add = keel("server", "users", "add", user, "--admin", "--db", form);
        assertEquals(0, add.code(), "keel server users add " + user + " --db " + form + ": " + add.err());
        String key = add.out().strip();
        Cli.Result ls = keel("server", "users", "ls", "--db", form);
        assertEquals(0, ls.code(), ls.err());
        assertTrue(ls.out().contains(user), ls.out());

        Map<String, String> flags =
                Map.of("db", form, "port", "0", "blobs", dir.resolve("blobs").toString());
        ServerConfig config = ServerConfig.resolve(flags, Map.of(), null);
        StringWriter log = new StringWriter();
        try (KeelServer server =
                ServerAssembly.build(config, new PrintWriter(log, true)).start()) {
            HttpResponse<String> me = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/me"))
                                    .header("Authorization", "Bearer " + key)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, me.statusCode(), form + ": " + me.body());
            assertTrue(me.body().contains("\"" + user + "\""), me.body());
            assertFalse(
                    log.toString().contains("no users yet"),
                    "the server sees the user made with the same --db: " + log);
        }
    }

    @Test
    void aKeelFolder() throws Exception {
        usersAddThenServe("ada", dir.resolve("team/.keel").toString());
        assertTrue(Files.isRegularFile(dir.resolve("team/.keel/keel.db")));
    }

    @Test
    void aFolderHoldingAKeelFolder() throws Exception {
        Files.createDirectories(dir.resolve("project/.keel"));
        usersAddThenServe("ada", dir.resolve("project").toString());
        assertTrue(Files.isRegularFile(dir.resolve("project/.keel/keel.db")), "the project's .keel is used");
        assertFalse(Files.exists(dir.resolve("project/keel.db")), "no second store next to .keel");
    }

    @Test
    void aDatabaseFile() throws Exception {
        Files.createDirectories(dir.resolve("srv"));
        usersAddThenServe("ada", dir.resolve("srv/keel.db").toString());
        assertTrue(Files.isRegularFile(dir.resolve("srv/keel.db")));
    }

    @Test
    void sqliteAndJdbcSqliteLocations() throws Exception {
        Files.createDirectories(dir.resolve("srv"));
        usersAddThenServe("ada", "sqlite:" + dir.resolve("srv/keel.db"));
        usersAddThenServe("bob", "jdbc:sqlite:" + dir.resolve("srv/keel.db"));
        Cli.Result ls =
                keel("server", "users", "ls", "--db", dir.resolve("srv/keel.db").toString());
        assertTrue(ls.out().contains("ada") && ls.out().contains("bob"), "one store under three names: " + ls.out());
    }

    @Test
    void aPostgresqlUrl() throws Exception {
        usersAddThenServe("ada", backends.jdbcUrl());
    }

    @Test
    void anUnsupportedFormIsNamedWithTheFormsThatWork() {
        for (String[] args : new String[][] {
            {"server", "users", "ls", "--db", "jdbc:mysql://h/db"},
            {"server", "teams", "ls", "--db", "jdbc:mysql://h/db"}
        }) {
            Cli.Result r = keel(args);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("--db 'jdbc:mysql://h/db'"), r.err());
            assertTrue(r.err().contains("jdbc:postgresql://HOST/DB"), r.err());
            assertTrue(r.err().contains(".keel folder"), r.err());
        }
    }
}
