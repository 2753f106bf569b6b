package dev.keel.cli.server;

import dev.keel.core.KeelException;
import dev.keel.core.data.Visibility;
import dev.keel.server.ServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConfigTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("keel-server.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        Path f = file("port: 9001\nhost: 0.0.0.0\ndb: jdbc:postgresql://file/db\nblobs: /srv/blobs\nthreads: 7\n"
                + "max-body-bytes: 2048\n");
        ServerConfig c = ServerConfig.resolve(
                Map.of("port", "9003"), Map.of("KEEL_SERVER_PORT", "9002", "KEEL_DB", "jdbc:postgresql://env/db"), f);
        assertEquals(9003, c.port(), "flag");
        assertEquals("jdbc:postgresql://env/db", c.db(), "environment");
        assertEquals("0.0.0.0", c.host(), "file");
        assertEquals("/srv/blobs", c.blobs(), "file");
        assertEquals(7, c.settings().threads());
        assertEquals(2048, c.settings().maxBodyBytes());
        assertFalse(c.settings().anonymousReads(), "default");
        assertEquals(300, c.requestTimeoutSeconds(), "default");
        assertTrue(c.describe().contains("port = 9003  (--port)"), c.describe().toString());
        assertTrue(
                c.describe().contains("db = jdbc:postgresql://env/db  ($KEEL_DB)"),
                c.describe().toString());
        assertTrue(
                c.describe().contains("host = 0.0.0.0  (" + f + ": host)"),
                c.describe().toString());

        ServerConfig fromEnvFile = ServerConfig.resolve(Map.of(), Map.of("KEEL_SERVER_CONFIG", f.toString()), null);
        assertEquals(9001, fromEnvFile.port(), "KEEL_SERVER_CONFIG names the file");
        assertEquals(8080, ServerConfig.resolve(Map.of(), Map.of(), null).port(), "default port");
    }

    @Test
    void artifactBoundAndDefaultVisibilityOfNewProjects() throws Exception {
        ServerConfig defaults = ServerConfig.resolve(Map.of(), Map.of(), null);
        assertEquals(
                ServerSettings.DEFAULT_MAX_ARTIFACT_BYTES, defaults.settings().maxArtifactBytes());
        assertEquals(Visibility.PRIVATE, defaults.settings().defaultVisibility());

        Path f = file("max-artifact-bytes: 1073741824\ndefault-visibility: team\n");
        ServerConfig c = ServerConfig.resolve(Map.of(), Map.of(), f);
        assertEquals(1L << 30, c.settings().maxArtifactBytes());
        assertEquals(Visibility.TEAM, c.settings().defaultVisibility());
        assertEquals(
                Visibility.PRIVATE,
                ServerConfig.resolve(Map.of(), Map.of("KEEL_SERVER_DEFAULT_VISIBILITY", "private"), f)
                        .settings()
                        .defaultVisibility(),
                "the environment beats the file");

        KeelException bad = assertThrows(
                KeelException.class,
                () -> ServerConfig.resolve(Map.of(), Map.of("KEEL_SERVER_DEFAULT_VISIBILITY", "public"), null));
        assertTrue(bad.getMessage().contains("private, team"), bad.getMessage());
        assertTrue(bad.getMessage().contains("KEEL_SERVER_DEFAULT_VISIBILITY"), bad.getMessage());
    }

    @Test
    void s3SettingsComeFromTheFileUnlessTheEnvironmentSetsThem() throws Exception {
        Path f = file("blobs: s3://team/keel\ns3:\n  endpoint: http://minio:9000\n  region: eu-west-1\n"
                + "  path-style: true\n  secret-access-key: file-secret\n  access-key-id: file-id\n");
        ServerConfig c = ServerConfig.resolve(Map.of(), Map.of("KEEL_S3_REGION", "us-east-2", "PATH", "/bin"), f);
        Map<String, String> env = c.s3Environment();
        assertEquals("http://minio:9000", env.get("KEEL_S3_ENDPOINT"));
        assertEquals("us-east-2", env.get("KEEL_S3_REGION"), "the environment wins");
        assertEquals("true", env.get("KEEL_S3_PATH_STYLE"));
        assertEquals("file-id", env.get("AWS_ACCESS_KEY_ID"));
        assertEquals("/bin", env.get("PATH"));
        String described = String.join("\n", c.describe());
        assertFalse(described.contains("file-secret"), described);
        assertTrue(described.contains("s3.secret-access-key = ****"), described);
    }

    @Test
    void passwordsInDatabaseUrlsAreNeverPrinted() {
        ServerConfig c =
                ServerConfig.resolve(Map.of("db", "jdbc:postgresql://h/db?user=k&password=hunter2"), Map.of(), null);
        String described = String.join("\n", c.describe());
        assertFalse(described.contains("hunter2"), described);
        assertTrue(described.contains("password=****"), described);
    }

    @Test
    void badValuesNameTheSettingAndWhereItCameFrom() throws Exception {
        KeelException port = assertThrows(
                KeelException.class, () -> ServerConfig.resolve(Map.of(), Map.of("KEEL_SERVER_PORT", "eighty"), null));
        assertEquals(
                "setting 'port' is 'eighty' (from $KEEL_SERVER_PORT): give a whole number between 0 and 65535",
                port.getMessage());
        KeelException body = assertThrows(
                KeelException.class, () -> ServerConfig.resolve(Map.of("max-body-bytes", "10"), Map.of(), null));
        assertTrue(body.getMessage().contains("'max-body-bytes' is 10 (from --max-body-bytes)"), body.getMessage());
        Path typo = file("prot: 80\n");
        KeelException unknown = assertThrows(KeelException.class, () -> ServerConfig.resolve(Map.of(), Map.of(), typo));
        assertTrue(
                unknown.getMessage().startsWith("unknown setting 'prot' in " + typo + "; known settings: host, port"),
                unknown.getMessage());
        Path broken = file("port: [1, 2\n");
        KeelException yaml = assertThrows(KeelException.class, () -> ServerConfig.resolve(Map.of(), Map.of(), broken));
        assertTrue(yaml.getMessage().contains("is not valid YAML"), yaml.getMessage());
        KeelException bool = assertThrows(
                KeelException.class,
                () -> ServerConfig.resolve(Map.of("anonymous-reads", "yes please"), Map.of(), null));
        assertTrue(bool.getMessage().contains("give true or false"), bool.getMessage());
    }

    @Test
    void databaseLocationsAreMappedToStoreLocations() throws Exception {
        assertEquals("jdbc:postgresql://h:5432/keel", ServerAssembly.storeLocation("jdbc:postgresql://h:5432/keel"));
        assertEquals(
                "sqlite:" + dir.resolve("x.db"), ServerAssembly.storeLocation("jdbc:sqlite:" + dir.resolve("x.db")));
        assertEquals("sqlite:" + dir.resolve("keel.db"), ServerAssembly.storeLocation(dir.toString()));
        Path newHome = dir.resolve("team/.keel");
        Files.createDirectories(newHome.getParent());
        assertEquals("sqlite:" + newHome.resolve("keel.db"), ServerAssembly.storeLocation(newHome.toString()));
        assertTrue(Files.isDirectory(newHome), "a missing folder is created as a Keel home");
        assertEquals(newHome, ServerAssembly.localHome("sqlite:" + newHome.resolve("keel.db")));
        KeelException mysql =
                assertThrows(KeelException.class, () -> ServerAssembly.storeLocation("jdbc:mysql://h/db"));
        assertTrue(mysql.getMessage().contains("only jdbc:postgresql"), mysql.getMessage());
    }

    @Test
    void allowedHostsComeFromFlagEnvironmentOrFileAndBadNamesAreNamed() throws Exception {
        Path list = file("allowed-hosts: [keel.example.com, \"*.ml.example.com\"]\n");
        assertEquals(
                List.of("keel.example.com", "*.ml.example.com"),
                ServerConfig.resolve(Map.of(), Map.of(), list).settings().allowedHosts(),
                "a YAML list");
        Path text = file("allowed-hosts: a.example, b.example\n");
        assertEquals(
                List.of("a.example", "b.example"),
                ServerConfig.resolve(Map.of(), Map.of(), text).allowedHosts());
        assertEquals(
                List.of("env.example"),
                ServerConfig.resolve(Map.of(), Map.of("KEEL_SERVER_ALLOWED_HOSTS", "env.example"), text)
                        .allowedHosts(),
                "the environment wins");
        assertEquals(
                List.of("flag.example"),
                ServerConfig.resolve(
                                Map.of("allowed-hosts", "Flag.Example:8443"),
                                Map.of("KEEL_SERVER_ALLOWED_HOSTS", "env.example"),
                                text)
                        .allowedHosts(),
                "the flag wins; port ignored");
        assertEquals(
                List.of(),
                ServerConfig.resolve(Map.of(), Map.of(), null).settings().allowedHosts(),
                "default");

        KeelException bad = assertThrows(
                KeelException.class,
                () -> ServerConfig.resolve(
                        Map.of("allowed-hosts", "ok.example,https://keel.example/"), Map.of(), null));
        assertTrue(
                bad.getMessage().contains("'https://keel.example/'")
                        && bad.getMessage().contains("--allowed-hosts"),
                bad.getMessage());
    }
}
