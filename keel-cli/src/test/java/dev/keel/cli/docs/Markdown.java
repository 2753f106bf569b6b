package dev.keel.cli.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of a Markdown page the docs tests read: fenced code blocks and inline code spans, with line numbers. */
final class Markdown {
    /**
     * Put on the line before a fenced block, this comment makes {@link DocsTest} run the block's
     * {@code keel} lines on demo-shaped runs; GitHub does not show it.
     */
    static final String RUN_MARKER = "<!-- docs-test: run -->";

    private static final Pattern SPAN = Pattern.compile("`([^`\n]+)`");

    /** A line of code, where it stands, and whether it belongs to a block marked to be run. */
    record Code(String text, int line, boolean run) {}

    private Markdown() {}

    /** Every line of every fenced block, then every inline code span outside them. */
    static List<Code> code(String page) {
        List<Code> code = new ArrayList<>();
        String[] lines = page.split("\n", -1);
        boolean inBlock = false;
        boolean run = false;
        String previous = "";
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.strip().startsWith("```")) {
                if (!inBlock) {
                    run = previous.strip().equals(RUN_MARKER);
                }
                inBlock = !inBlock;
            } else if (inBlock) {
                code.add(new Code(line, i + 1, run));
            } else {
                Matcher m = SPAN.matcher(line);
                while (m.find()) {
                    code.add(new Code(m.group(1), i + 1, false));
                }
            }
            if (!line.isBlank()) {
                previous = line;
            }
        }
        return code;
    }
}
