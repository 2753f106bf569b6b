package dev.keel.cli.table;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CsvTest {
    @Test
    void quotesOnlyFieldsThatNeedIt() {
        assertEquals("plain", Csv.field("plain"));
        assertEquals("\"a,b\"", Csv.field("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", Csv.field("say \"hi\""));
        assertEquals("\"two\nlines\"", Csv.field("two\nlines"));
        assertEquals("", Csv.field(""));
    }

    @Test
    void writesMachineKeysAsTheHeader() {
        Table t = new Table()
                .column("id", "ID", null, false)
                .column("config.lr", "lr", "config", true)
                .row(List.of("a1", "0.1"));
        assertEquals("id,config.lr\na1,0.1\n", Csv.render(t));
    }
}
