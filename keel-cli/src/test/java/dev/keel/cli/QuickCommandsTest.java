package dev.keel.cli;

import dev.keel.cli.Cli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plain line of {@code keel runs}, {@code run show}, {@code data add}, {@code data checkout} or {@code data diff},
 * read without picocli ({@link QuickCommands}), must mean exactly what picocli makes of the same
 * line, print the same and fail the same; every other line must be left to picocli.
 */
class QuickCommandsTest {
    /** Each quick command: the words naming it, and a new instance for picocli to fill. */
    private static final Map<List<String>, Supplier<Object>> COMMANDS = Map.of(
            List.of("runs"), RunsCommand::new,
            List.of("run", "show"), RunShowCommand::new,
            List.of("data", "add"), DataAddCommand::new,
            List.of("data", "checkout"), DataCheckoutCommand::new,
            List.of("data", "diff"), DataDiffCommand::new);

    @TempDir
    Path dir;

    @Test
    void plainLinesGetTheFieldsPicocliGivesThem() throws IllegalAccessException {
        List<List<String>> lines = List.of(
                List.of("runs"),
                List.of("runs", "--sort", "-acc", "--limit", "50", "--format", "json"),
                List.of("runs", "-s", "name", "-n", "0", "--home", "/tmp/h"),
                List.of("runs", "--project", "p", "--filter", "config.lr < 0.1 and state = finished"),
                List.of("runs", "--format=CSV", "--sort=-val_loss", "--limit=7", "-p", "mnist"),
                List.of("runs", "-f", "", "--sort", "-v"),
                List.of("runs", "--filter", "  ", "-n", "123456789"),
                List.of("run", "show", "aaaa1111"),
                List.of("run", "show", "abc", "--format", "json", "--full"),
                List.of("run", "show", "--full", "brave-otter-1", "--home=h"),
                List.of("run", "show", "", "--format=Table"),
                List.of("data", "add", "pets", "src"),
                List.of("data", "add", "pets", "/abs/src", "-m", "first export"),
                List.of("data", "add", "pets", "src", "--message", "m", "--home", "/tmp/h"),
                List.of("data", "add", "--home", "h", "pets", "src", "--format", "JSON"),
                List.of("data", "add", "pets", "src", "--format=csv", "--message=a=b", "--home=h"),
                List.of("data", "add", "pets", "src", "--description", "Pet sounds", "--visibility", "team"),
                List.of("data", "add", "pets", "src", "--message=", "--visibility", "nonsense"),
                List.of("data", "add", "pets", "src", "-m", "-dash"),
                List.of("data", "checkout", "pets:v1", "out"),
                List.of("data", "checkout", "pets", "/abs/out", "--link", "hardlink"),
                List.of("data", "checkout", "--home", "h", "pets:v2", "out", "--copy"),
                List.of("data", "checkout", "pets@train", "out", "--link=reflink"),
                List.of("data", "checkout", "pets:v1", "out", "--link", "nonsense"),
                List.of("data", "diff", "pets:v1", "pets:v2"),
                List.of("data", "diff", "--stat", "pets:v1", "pets", "--format", "JSON", "--home=h"));
        for (List<String> line : lines) {
            String[] args = line.toArray(String[]::new);
            Object fast = QuickCommands.parse(args);
            assertNotNull(fast, line.toString());
            List<String> words = words(line);
            Object picocli = COMMANDS.get(words).get();
            new CommandLine(picocli)
                    .setCaseInsensitiveEnumValuesAllowed(true)
                    .parseArgs(Arrays.copyOfRange(args, words.size(), args.length));
            assertEquals(picocli.getClass(), fast.getClass(), line.toString());
            assertEquals(fields(picocli), fields(fast), line.toString());
        }
        assertEquals(
                COMMANDS.keySet(),
                lines.stream().map(QuickCommandsTest::words).collect(Collectors.toSet()),
                "every quick command has lines here");
    }

    @Test
    void everyOtherLineIsLeftToPicocli() {
        for (List<String> line : List.of(
                List.<String>of(),
                List.of("runs", "--help"),
                List.of("runs", "-h"),
                List.of("runs", "-V"),
                List.of("runs", "extra"),
                List.of("runs", "--sort", "a", "--sort", "b"),
                List.of("runs", "-s", "a", "--sort", "b"),
                List.of("runs", "--sort"),
                List.of("runs", "-n50"),
                List.of("runs", "--sort", "-name"),
                List.of("runs", "--sort", "-s"),
                List.of("runs", "--sort", "-h"),
                List.of("runs", "--sort", "--limit"),
                List.of("runs", "--sort", "-"),
                List.of("runs", "--filter", "config.lr <"),
                List.of("runs", "--limit", "010"),
                List.of("runs", "--limit", "-1"),
                List.of("runs", "--limit", "1e3"),
                List.of("runs", "--limit", "9999999999"),
                List.of("runs", "--format", "xml"),
                List.of("runs", "--columns", "name,acc"),
                List.of("runs", "--", "--sort"),
                List.of("runs", "@args.txt"),
                List.of("runs", "--sort", "@acc"),
                List.of("runs", "--home", "a\0b"),
                List.of("run", "show"),
                List.of("run", "show", "a", "b"),
                List.of("run", "show", "a", "--full", "--full"),
                List.of("run", "show", "a", "--full=true"),
                List.of("run", "show", "a", "--version"),
                List.of("run", "logs", "a"),
                List.of("data", "add", "pets"),
                List.of("data", "add", "pets", "src", "extra"),
                List.of("data", "add", "pets", "src", "--help"),
                List.of("data", "add", "-h", "pets", "src"),
                List.of("data", "add", "pets", "src", "-m", "a", "-m", "b"),
                List.of("data", "add", "pets", "src", "-m"),
                List.of("data", "add", "pets", "src", "-mfirst"),
                List.of("data", "add", "pets", "src", "-m", "-m"),
                List.of("data", "add", "pets", "src", "--format", "xml"),
                List.of("data", "add", "pets", "src", "--unknown", "x"),
                List.of("data", "add", "--", "pets", "src"),
                List.of("data", "add", "@args.txt"),
                List.of("data", "add", "pets", "@src"),
                List.of("data", "checkout", "pets:v1"),
                List.of("data", "checkout", "pets:v1", "out", "--copy", "--copy"),
                List.of("data", "checkout", "pets:v1", "out", "--link"),
                List.of("data", "checkout", "pets:v1", "out", "-V"),
                List.of("data", "diff", "pets:v1"),
                List.of("data", "diff", "pets:v1", "pets:v2", "--stat=yes"),
                List.of("data", "diff", "pets:v1", "pets:v2", "--format", "xml"),
                List.of("data", "ls", "pets", "src"),
                List.of("run", "add", "pets", "src"))) {
            assertNull(QuickCommands.parse(line.toArray(String[]::new)), line.toString());
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
        Fixtures.seed(fastHome);
        Fixtures.seed(picoHome);
        for (List<String> line : List.of(
                List.of("data", "add", "pets", folder, "-m", "first"),
                List.of("data", "add", "pets", folder),
                List.of("data", "add", "pets", folder, "--format", "json"),
                List.of("data", "add", "pets", dir.resolve("nope").toString()),
                List.of("data", "add", "pets", folder, "--visibility", "secret"),
                List.of("data", "add", "Bad Name", folder),
                List.of("data", "checkout", "pets:v1", "OUT"),
                List.of("data", "checkout", "pets:v1", "OUT"),
                List.of("data", "checkout", "pets:v9", "OUT"),
                List.of("data", "checkout", "pets:v1", "OUT", "--link", "sideways"),
                List.of("data", "checkout", "pets:v1", "OUT", "--link", "hardlink"),
                List.of("data", "diff", "pets:v1", "pets:v1"),
                List.of("data", "diff", "pets:v1", "pets:v1", "--stat", "--format", "json"),
                List.of("data", "diff", "pets:v1", "pets:v7"),
                List.of("runs"),
                List.of("runs", "--sort", "-acc", "--limit", "2", "--format", "json"),
                List.of("runs", "--filter", "config.lr < 0.05", "--format", "csv"),
                List.of("runs", "--sort", "-missing"),
                List.of("runs", "-p", "nothing-here"),
                List.of("run", "show", "aaaa1111"),
                List.of("run", "show", "brave-otter-1", "--format", "json"),
                List.of("run", "show", "aaaa1111", "--full"),
                List.of("run", "show", "zzzz"))) {
            assertNotNull(QuickCommands.parse(line.toArray(String[]::new)), line.toString());
            Result picocli = Cli.executeByPicocli("", withHome(line, picoHome, dir.resolve("pico-out")));
            Result fast = Cli.execute("", withHome(line, fastHome, dir.resolve("fast-out")));
            assertEquals(
                    picocli.toString().replace(picoHome.toString(), "HOME").replace("pico-out", "OUT"),
                    fast.toString().replace(fastHome.toString(), "HOME").replace("fast-out", "OUT"),
                    line.toString());
        }
        Result again = Cli.execute("", withHome(List.of("data", "add", "pets", folder), fastHome, dir));
        assertTrue(again.out().startsWith("no change"), again.toString());
        assertTrue(Files.isRegularFile(dir.resolve("fast-out/cats/a.txt")), "the quick checkout wrote its files");
    }

    /** The words naming the command of {@code line} (the keys of {@link #COMMANDS}). */
    private static List<String> words(List<String> line) {
        return line.get(0).equals("runs") ? List.of("runs") : line.subList(0, 2);
    }

    /** Every option's and positional's value, and the home option's; by field name. */
    private static List<String> fields(Object command) throws IllegalAccessException {
        List<String> values = new ArrayList<>();
        for (Field f : command.getClass().getDeclaredFields()) {
            f.setAccessible(true);
            if (f.isAnnotationPresent(Option.class) || f.isAnnotationPresent(Parameters.class)) {
                values.add(f.getName() + "=" + f.get(command));
            } else if (f.getType() == HomeOption.class) {
                values.add("home=" + ((HomeOption) f.get(command)).home);
            }
        }
        return values;
    }

    /** The line with {@code OUT} as {@code out} and {@code --home HOME} after it. */
    private static String[] withHome(List<String> line, Path home, Path out) {
        List<String> args = new ArrayList<>(
                line.stream().map(a -> a.equals("OUT") ? out.toString() : a).toList());
        args.add("--home");
        args.add(home.toString());
        return args.toArray(String[]::new);
    }
}
