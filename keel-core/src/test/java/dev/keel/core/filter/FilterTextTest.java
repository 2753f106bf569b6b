package dev.keel.core.filter;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FilterTextTest {

    @Test
    void filterTextParsesBackIntoTheSameTree() {
        for (String f : new String[] {
            "config.layers >= 64 and summary.val_accuracy > 0.87 and state = finished",
            "(tags contains \"base\\\"line\" or config.optimizer.name in (adam, sgd)) and not state = crashed",
            "config.lr < 1e-5 or config.flag = true or notes = null or name not in (\"and\", \"64\")",
            "val_loss != -2.5 and state = unreachable"
        }) {
            Expr e = FilterParser.parse(f);
            assertEquals(e, FilterParser.parse(FilterText.of(e)), f);
        }
    }
}
