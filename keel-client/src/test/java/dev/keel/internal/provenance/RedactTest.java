package dev.keel.internal.provenance;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RedactTest {
    @Test
    void urlCredentialsAreStrippedButScpStyleRemotesKept() {
        assertEquals("https://github.com/o/r.git", Redact.urlCredentials("https://user:tok@github.com/o/r.git"));
        assertEquals("ssh://host/r.git", Redact.urlCredentials("ssh://git@host/r.git"));
        assertEquals("git@github.com:o/r.git", Redact.urlCredentials("git@github.com:o/r.git"));
        assertEquals("see http://h/x and https://h2/y", Redact.urlCredentials("see http://a:b@h/x and https://c@h2/y"));
    }

    @Test
    void secretLookingOptionValuesAreHidden() {
        assertEquals(
                List.of(
                        "-Dkeel.api_key=***",
                        "--token",
                        "***",
                        "--password=***",
                        "--epochs",
                        "3",
                        "https://h/x",
                        "-Xmx2g"),
                Redact.arguments(List.of(
                        "-Dkeel.api_key=abc",
                        "--token",
                        "xyz",
                        "--password=pw",
                        "--epochs",
                        "3",
                        "https://u:p@h/x",
                        "-Xmx2g")));
    }

    @Test
    void jarsWithoutPomPropertiesAreNamedFromTheirPath() {
        assertEquals(
                "org.example.deep:lib:1.2.3",
                Dependencies.fromFileName(Path.of("/home/u/.m2/repository/org/example/deep/lib/1.2.3/lib-1.2.3.jar")));
        assertEquals(
                "unknown:my-lib:2.0-SNAPSHOT", Dependencies.fromFileName(Path.of("/opt/libs/my-lib-2.0-SNAPSHOT.jar")));
        assertEquals("unknown:tool:unknown", Dependencies.fromFileName(Path.of("/opt/tool.jar")));
    }
}
