package dev.keel.cli.docs;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the reference part of {@code docs/cli.md} from the picocli tree: one section per
 * command, with its usage line, description, arguments and options. Generated, so the page
 * cannot list a command or option that does not exist, nor miss one.
 */
final class CliReference {
    static final String BEGIN = "<!-- BEGIN generated from the picocli tree by DocsTest: do not edit by hand -->";
    static final String END = "<!-- END generated -->";

    private CliReference() {}

    /** The generated Markdown for {@code root} and every command below it. */
    static String render(CommandLine root) {
        StringBuilder md = new StringBuilder();
        for (CommandLine cl : commands(root)) {
            section(cl.getCommandSpec(), md);
        }
        return md.toString();
    }

    /** {@code root}'s commands, depth first in help order, the root itself left out. */
    static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        collect(root, all);
        all.remove(0);
        return all;
    }

    private static void collect(CommandLine cl, List<CommandLine> into) {
        into.add(cl);
        cl.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }

    private static void section(CommandSpec spec, StringBuilder md) {
        md.append("\n## `").append(spec.qualifiedName()).append("`\n\n");
        md.append(text(String.join(" ", spec.usageMessage().description()))).append("\n\n");
        spec.usageMessage().width(100);
        md.append("```\n")
                .append(new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF))
                        .synopsis(0)
                        .stripTrailing())
                .append("\n```\n");
        List<String> rows = new ArrayList<>();
        for (PositionalParamSpec p : spec.positionalParameters()) {
            rows.add("| `" + p.paramLabel() + "` | " + cell(p) + " |");
        }
        for (OptionSpec o : spec.options()) {
            if (!o.usageHelp() && !o.versionHelp() && !o.hidden()) {
                String label = String.join(", ", o.names()) + (o.arity().max() > 0 ? "=" + o.paramLabel() : "");
                rows.add("| `" + label + "` | " + cell(o) + " |");
            }
        }
        if (!rows.isEmpty()) {
            md.append("\n| argument or option | what it does |\n|---|---|\n");
            rows.forEach(r -> md.append(r).append('\n'));
        }
        if (!spec.subcommands().isEmpty()) {
            md.append("\nCommands: ");
            md.append(String.join(
                            ", ",
                            spec.subcommands().values().stream()
                                    .distinct()
                                    .map(c -> "`" + c.getCommandSpec().qualifiedName() + "`")
                                    .toList()))
                    .append(".\n");
        }
        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            String text = String.join("\n", footer)
                    .replace("%n", "\n")
                    .replace("%%", "%")
                    .strip();
            md.append("\n```\n").append(text).append("\n```\n");
        }
    }

    private static String cell(ArgSpec arg) {
        String d = String.join(" ", arg.description());
        d = d.replace("${DEFAULT-VALUE}", String.valueOf(arg.defaultValueString()));
        if (arg.completionCandidates() != null) {
            List<String> candidates = new ArrayList<>();
            arg.completionCandidates().forEach(candidates::add);
            d = d.replace("${COMPLETION-CANDIDATES}", String.join(", ", candidates));
        }
        return text(d).replace("|", "\\|");
    }

    private static String text(String s) {
        return s.replace("%n", " ").replace("%%", "%").replaceAll("\\s+", " ").strip();
    }
}
