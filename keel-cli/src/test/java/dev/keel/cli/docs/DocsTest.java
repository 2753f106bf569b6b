package dev.keel.cli.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.cli.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README and docs say only what is true of the code: the module table lists the pom's
 * modules, every {@code keel …} command they mention exists, {@code docs/cli.md} documents every
 * command, and the examples in blocks marked {@value Markdown#RUN_MARKER} run on demo-shaped runs.
 */
class DocsTest {
    /** Set to true ({@code -Dkeel.docs.update=true}) to rewrite docs/cli.md's generated part instead of failing. */
    private static final String UPDATE = "keel.docs.update";

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern MODULE_ROW = Pattern.compile("^\\| `([^`]+)` \\|");
    private static final Pattern KEEL_WORDS =
            Pattern.compile("(?:^|[\\s(|;=$])(?:[\\w.~-]*/)?keel((?: [a-z][a-z-]*)+)");

    private static Path root;

    @BeforeAll
    static void findCheckout() {
        root = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isRegularFile(root.resolve("README.md")), "no README.md in " + root);
    }

    @Test
    void theReadmeModuleTableListsEveryModuleOfTheRootPom() throws IOException {
        Set<String> pom = new TreeSet<>();
        Matcher m = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
        while (m.find()) {
            pom.add(m.group(1).strip());
        }
        Set<String> table = new TreeSet<>();
        String readme = Files.readString(root.resolve("README.md"));
        int heading = readme.indexOf("\n## Modules\n");
        assertTrue(heading >= 0, "README.md has no '## Modules' section");
        boolean inTable = false;
        for (String line : readme.substring(heading + 1).split("\n")) {
            if (line.startsWith("|")) {
                inTable = true;
                Matcher row = MODULE_ROW.matcher(line);
                if (row.find()) {
                    table.add(row.group(1));
                }
            } else if (inTable) {
                break;
            }
        }
        assertTrue(pom.contains("keel-core") && pom.contains("keel-cli"), "the root pom's modules were read: " + pom);
        assertEquals(pom, table, "README.md's module table (under '## Modules') must list the modules of pom.xml");
    }

    @Test
    void docsCliMdIsTheReferenceThePicocliTreeGenerates() throws IOException {
        Path page = root.resolve("docs/cli.md");
        String text = Files.readString(page);
        int begin = text.indexOf(CliReference.BEGIN);
        int end = text.indexOf(CliReference.END);
        assertTrue(
                begin >= 0 && end > begin,
                "docs/cli.md must hold the markers " + CliReference.BEGIN + " and " + CliReference.END);
        String generated = CliReference.render(tree());
        String current = text.substring(begin + CliReference.BEGIN.length(), end);
        if (!current.equals(generated + "\n")) {
            if (Boolean.getBoolean(UPDATE)) {
                Files.writeString(
                        page,
                        text.substring(0, begin + CliReference.BEGIN.length()) + generated + "\n"
                                + text.substring(end));
                return;
            }
            assertEquals(
                    generated + "\n",
                    current,
                    "docs/cli.md is stale: regenerate it with"
                            + " mvn -B -o -q -pl keel-cli -am test -Dtest=DocsTest -Dsurefire.failIfNoSpecifiedTests=false -D"
                            + UPDATE + "=true");
        }
        for (CommandLine cl : CliReference.commands(tree())) {
            assertTrue(
                    text.contains("## `" + cl.getCommandSpec().qualifiedName() + "`"),
                    "docs/cli.md has no section for " + cl.getCommandSpec().qualifiedName());
        }
    }

    @Test
    void everyKeelCommandTheDocsMentionExists() throws IOException {
        CommandLine tree = tree();
        List<String> problems = new ArrayList<>();
        int mentions = 0;
        for (Path page : pages()) {
            for (Markdown.Code code : Markdown.code(Files.readString(page))) {
                Matcher m = KEEL_WORDS.matcher(code.text());
                while (m.find()) {
                    mentions++;
                    String problem = unknownCommand(tree, m.group(1).strip().split(" "));
                    if (problem != null) {
                        problems.add(root.relativize(page) + ":" + code.line() + ": " + problem);
                    }
                }
            }
        }
        assertTrue(mentions > 50, "found only " + mentions + " keel commands in the docs");
        assertEquals(List.of(), problems);
    }

    @Test
    void theMarkedExamplesRunOnDemoShapedRuns(@TempDir Path dir) throws IOException {
        Path home = dir.resolve(".keel");
        DemoShapedRuns demo = DemoShapedRuns.create(home, dir);
        ObjectMapper json = new ObjectMapper();
        int ran = 0;
        for (Path page : pages()) {
            for (Markdown.Code code : Markdown.code(Files.readString(page))) {
                List<String> words = code.run() ? ShellWords.split(code.text().replaceFirst("^\\$ ", "")) : List.of();
                if (words.isEmpty() || !words.get(0).matches("(\\./)?keel")) {
                    continue;
                }
                ran++;
                String where = root.relativize(page) + ":" + code.line() + ": "
                        + code.text().strip();
                List<String> args = args(words, demo, home);
                Cli.Result r = run(args);
                assertEquals(0, r.code(), where + "\nexited " + r.code() + "\n" + r.out() + r.err());
                if (args.contains("--filter")) {
                    List<String> asJson = new ArrayList<>(args);
                    int format = asJson.indexOf("--format");
                    if (format >= 0) {
                        asJson.subList(format, format + 2).clear();
                    }
                    asJson.addAll(List.of("--format", "json"));
                    JsonNode runs = json.readTree(run(asJson).out());
                    assertTrue(runs.size() > 0, where + "\nmatches no run of the demo's");
                }
            }
        }
        assertTrue(ran >= 10, "ran only " + ran + " marked examples");
    }

    /** The words after {@code keel}, placeholders filled, {@code --home} after the command and resume made a dry run. */
    private static List<String> args(List<String> words, DemoShapedRuns demo, Path home) {
        List<String> args = new ArrayList<>(words.subList(1, words.size()));
        args.replaceAll(w -> w.equals("RUN_ID") ? demo.stoppedRun : w);
        CommandLine cl = tree();
        int at = 0;
        while (at < args.size() && cl.getSubcommands().containsKey(args.get(at))) {
            cl = cl.getSubcommands().get(args.get(at++));
        }
        args.addAll(at, List.of("--home", home.toString()));
        if (cl.getCommandSpec().qualifiedName().equals("keel run resume")) {
            args.add("--dry-run");
        }
        return args;
    }

    /** Null when {@code words} name an existing command (arguments may follow); else what is wrong. */
    private static String unknownCommand(CommandLine root, String[] words) {
        CommandLine cl = root;
        for (String w : words) {
            if (cl.getSubcommands().isEmpty()) {
                return null;
            }
            CommandLine sub = cl.getSubcommands().get(w);
            if (sub == null) {
                if (!cl.getCommandSpec().positionalParameters().isEmpty()) {
                    return null;
                }
                return "'" + cl.getCommandSpec().qualifiedName() + " " + w + "' is no command; "
                        + cl.getCommandSpec().qualifiedName() + " has "
                        + cl.getSubcommands().keySet();
            }
            cl = sub;
        }
        return null;
    }

    /** The README, every page of docs/, the reference project's README and the one keel init writes. */
    private static List<Path> pages() throws IOException {
        Set<Path> pages = new LinkedHashSet<>();
        pages.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        pages.add(root.resolve("examples/apparel-classifier/README.md"));
        pages.add(root.resolve("keel-cli/src/main/resources/dev/keel/cli/template/README.md"));
        return new ArrayList<>(pages);
    }

    private static CommandLine tree() {
        return Cli.tree();
    }

    private static Cli.Result run(List<String> args) {
        return Cli.execute("", args.toArray(String[]::new));
    }
}
