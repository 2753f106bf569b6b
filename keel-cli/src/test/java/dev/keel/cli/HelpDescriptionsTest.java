package dev.keel.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Walks the whole command tree: every command, option and positional parameter has a
 * description whose first line is a whole sentence, since that line is all a parent command's
 * list (and a narrow help screen's first glance) shows.
 */
class HelpDescriptionsTest {
    @Test
    void everyCommandOptionAndParameterHasAFirstLineThatEndsASentence() {
        CommandLine root = Cli.tree();
        List<String> problems = new ArrayList<>();
        walk(root, "keel", problems);
        assertEquals(List.of(), problems);
    }

    private static void walk(CommandLine cl, String path, List<String> problems) {
        CommandSpec spec = cl.getCommandSpec();
        check(path, spec.usageMessage().description(), problems);
        for (OptionSpec option : spec.options()) {
            check(path + " " + option.longestName(), option.description(), problems);
        }
        for (ArgSpec parameter : spec.positionalParameters()) {
            check(path + " " + parameter.paramLabel(), parameter.description(), problems);
        }
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().name().equals(name)) { // aliases lead to the same command
                walk(sub, path + " " + name, problems);
            }
        });
    }

    private static void check(String what, String[] description, List<String> problems) {
        if (description == null || description.length == 0 || description[0].isBlank()) {
            problems.add(what + ": no description");
            return;
        }
        String first = description[0].strip();
        if (!(first.endsWith(".") || first.endsWith(".)") || first.endsWith(":"))) {
            problems.add(what + ": first line does not end a sentence: \"" + first + "\"");
        }
    }
}
