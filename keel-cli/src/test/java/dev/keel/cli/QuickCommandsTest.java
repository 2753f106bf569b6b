package dev.keel.cli;

import dev.keel.cli.Cli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keel data add} parsed without picocli ({@link DataAddLine}) must mean exactly what
 * picocli makes of the same line, print the same and fail the same; every other line must be
 * left to picocli.
 */
class DataAddLineTest {
    @TempDir
    Path dir;

    @Test
    void plainLinesGetTheFieldsPicocliGivesThem() {
        for (List<String> line : List.of(
                List.of("data", "add", "pets", "src"),
                List.of("data", "add", "pets", "/abs/src", "-m", "first export"),
                List.of("data", "add", "pets", "src", "--message", "m", "--home", "/tmp/h"),
                List.of("data", "add", "--home", "h", "pets", "src", "--format", "JSON"),
                List.of("data", "add", "pets", "src", "--format=csv", "--message=a=b", "--home=h"),
                List.of("data", "add", "pets", "src", "--description", "Pet sounds", "--visibility", "team"),
                List.of("data", "add", "pets", "src", "--message="),
                List.of("data", "add", "pets", "src", "--visibility", "nonsense"))) {
            String[] args = line.toArray(String[]::new);
            DataAddCommand fast = DataAddLine.parse(args);
            assertNotNull(fast, line.toString());
            DataAddCommand picocli = new DataAddCommand();
            new CommandLine(picocli)
                    .setCaseInsensitiveEnumValuesAllowed(true)
                    .parseArgs(Arrays.copyOfRange(args, 2, args.length));
            assertEquals(picocli.name, fast.name, line.toString());
            assertEquals(picocli.path, fast.path, line.toString());
            assertEquals(picocli.message, fast.message, line.toString());
            assertEquals(picocli.description, fast.description, line.toString());
            assertEquals(picocli.visibility, fast.visibility, line.toString());
            assertEquals(picocli.format, fast.format, line.toString());
            assertEquals(picocli.home.home, fast.home.home, line.toString());
        }
    }

    @Test
    void everyOtherLineIsLeftToPicocli() {
        for (List<String> line : List.of(
                List.of("data", "add", "pets"),
                List.of("data", "add", "pets", "src", "extra"),
                List.of("data", "add", "pets", "src", "--help"),
                List.of("data", "add", "-h", "pets", "src"),
                List.of("data", "add", "pets", "src", "-m", "a", "-m", "b"),
                List.of("data", "add", "pets", "src", "-m"),
                List.of("data", "add", "pets", "src", "-mfirst"),
                List.of("data", "add", "pets", "src", "-m", "-dash"),
                List.of("data", "add", "pets", "src", "--format", "xml"),
                List.of("data", "add", "pets", "src", "--unknown", "x"),
                List.of("data", "add", "--", "pets", "src"),
                List.of("data", "add", "@args.txt"),
                List.of("data", "add", "pets", "@src"),
                List.of("data", "ls", "pets", "src"),
                List.of("run", "add", "pets", "src"))) {
            assertNull(DataAddLine.parse(line.toArray(String[]::new)), line.toString());
        }
    }

    @Test
    void itPrintsAndFailsAsThePicocliCommandDoes() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/cats"));
        Files.writeString(src.resolve("a.txt"), "meow");
        Files.writeString(src.resolve("b.txt"), "purr");
        String folder = dir.resolve("src").toString();
        Path fastHome = dir.resolve("fast");
        Path picoHome = dir.resolve("pico");
        for (List<String> line : List.of(
                List.of("data", "add", "pets", folder, "-m", "first"),
                List.of("data", "add", "pets", folder),
                List.of("data", "add", "pets", folder, "--format", "json"),
                List.of("data", "add", "pets", dir.resolve("nope").toString()),
                List.of("data", "add", "pets", folder, "--visibility", "secret"),
                List.of("data", "add", "Bad Name", folder))) {
            Result fast = fast(line, fastHome);
            Result picocli = picocli(line, picoHome);
            assertEquals(picocli, fast, line.toString());
        }
        assertTrue(fast(List.of("data", "add", "pets", folder), fastHome).out().startsWith("no change"));
    }

    private static Result fast(List<String> line, Path home) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = withHome(line, home);
        DataAddCommand command = DataAddLine.parse(args);
        assertNotNull(command, line.toString());
        int code = DataAddLine.run(command, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private static Result picocli(List<String> line, Path home) {
        return Cli.execute("", withHome(line, home));
    }

    private static String[] withHome(List<String> line, Path home) {
        String[] args = Arrays.copyOf(line.toArray(String[]::new), line.size() + 2);
        args[line.size()] = "--home";
        args[line.size() + 1] = home.toString();
        return args;
    }
}
