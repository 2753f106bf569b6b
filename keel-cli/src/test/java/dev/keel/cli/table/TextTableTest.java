package dev.keel.cli.table;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextTableTest {

    private static Table sample() {
        return new Table()
                .column("id", "ID", null, false, false, 0)
                .column("notes", "Notes", null, false, true, 1)
                .column("config.lr", "lr", "config", true)
                .column("summary.loss", "loss", "summary", true)
                .row(List.of("a1", "short", "0.1", "1.5"))
                .row(List.of("b2", "a note that is far too long to be shown in full in any table", "0.01", "NaN"));
    }

    @Test
    void alignsNumbersRightAndPrintsGroupLabelsAboveTheirColumns() {
        TextTable.Result r = TextTable.render(sample(), 200);
        assertEquals(List.of(), r.hidden());
        String[] lines = r.text().split("\n");
        assertEquals(" ".repeat(38) + "config  summary", lines[0]);
        assertEquals("ID  Notes" + " ".repeat(33) + "lr     loss", lines[1]);
        assertTrue(lines[2].endsWith("  0.1      1.5"), lines[2]);
        assertTrue(lines[3].contains("a note that is far too long to …"), lines[3]);
        assertTrue(lines[3].endsWith("  0.01      NaN"), lines[3]);
    }

    @Test
    void shrinksWideColumnsThenDropsRankedOnesThenTrailingOnes() {
        String narrow = TextTable.render(sample(), 34).text();
        assertTrue(narrow.contains("\nb2  a note that …    0.01      NaN\n"), narrow);
        for (String line : narrow.split("\n")) {
            assertTrue(line.length() <= 34, line);
        }

        TextTable.Result dropped = TextTable.render(sample(), 20);
        assertEquals(List.of("notes"), dropped.hidden());
        assertTrue(dropped.text().contains("\na1     0.1      1.5\n"), dropped.text());

        TextTable.Result tiny = TextTable.render(sample(), 8);
        assertEquals(List.of("notes", "config.lr", "summary.loss"), tiny.hidden());
    }

    @Test
    void leavesOutColumnsWithoutAnyValue() {
        Table t = new Table()
                .column("id", "ID", null, false)
                .column("sweep", "Sweep", null, false)
                .row(List.of("a1", ""))
                .row(List.of("b2", ""));
        assertEquals("ID\na1\nb2\n", TextTable.render(t, 80).text());
    }

    @Test
    void cutsCellsByCodePointAndFlattensLineBreaks() {
        assertEquals("ab…", TextTable.fit("abcdef", 3));
        assertEquals("😀😀…", TextTable.fit("😀😀😀😀", 3));
        assertEquals("one two", TextTable.fit("one\ntwo", 10));
    }
}
