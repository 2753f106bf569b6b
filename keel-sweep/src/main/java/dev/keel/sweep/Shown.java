package dev.keel.sweep;

import java.math.BigDecimal;
import java.math.MathContext;

/** Numbers as sentences show them: four significant digits, no trailing zeros. */
final class Shown {
    private Shown() {}

    static String number(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
        double abs = Math.abs(v);
        return abs >= 1e-4 && abs < 1e7 ? d.toPlainString() : d.toString();
    }
}
