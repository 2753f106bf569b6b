package dev.keel.cli.reproduce;

import dev.keel.core.RunInfo;
import dev.keel.core.provenance.EnvDiff;
import dev.keel.core.provenance.EnvDifference;
import dev.keel.core.provenance.Reproductions;
import dev.keel.core.store.WriteBatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verdict written onto the reproduction run, in the shape {@link Reproductions} documents, so
 * that the run page of the original (and of the copy) can show it without running anything.
 */
final class ReproductionRecord {
    static final String REPRODUCES = Reproductions.REPRODUCES;

    /** A run page shows these; the whole list stays a {@code keel env diff} away. */
    static final int MAX_ENVIRONMENT_LINES = 20;

    private ReproductionRecord() {}

    static WriteBatch batch(
            RunInfo copy,
            ReproducePlan plan,
            int exitCode,
            MetricComparison.Verdict verdict,
            EnvDiff.Result env,
            Double rtol) {
        WriteBatch b = new WriteBatch();
        b.provenance.put(REPRODUCES, plan.original());
        b.provenance.put(Reproductions.RECORD, record(plan, exitCode, verdict, env, rtol));
        String tag = Reproductions.tag(plan.original());
        if (!copy.tags().contains(tag)) {
            List<String> tags = new ArrayList<>(copy.tags());
            tags.add(tag);
            b.tags = tags;
        }
        return b;
    }

    static Map<String, Object> record(
            ReproducePlan plan, int exitCode, MetricComparison.Verdict verdict, EnvDiff.Result env, Double rtol) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("of", plan.original());
        m.put("verdict", verdict.toMap().get("verdict"));
        m.put("text", verdict.text(plan.original(), plan.newRunId()));
        if (verdict.kind() == MetricComparison.Kind.DIVERGED) {
            m.put("step", verdict.step());
            m.put("key", verdict.key());
            m.put("left", shown(verdict.left()));
            m.put("right", shown(verdict.right()));
        }
        m.put("points", verdict.points());
        m.put("exit_code", exitCode);
        if (plan.steps() != Long.MAX_VALUE) {
            m.put("steps", plan.steps());
        }
        if (rtol != null) {
            m.put("rtol", rtol);
        }
        List<String> lines = new ArrayList<>();
        for (EnvDifference x : env.differences()) {
            if (lines.size() == MAX_ENVIRONMENT_LINES) {
                lines.add("… " + (env.differences().size() - MAX_ENVIRONMENT_LINES) + " more: keel env diff "
                        + plan.original() + " " + plan.newRunId());
                break;
            }
            lines.add(x.section() + " " + x.key() + ": " + (x.left() == null ? "—" : x.left()) + " → "
                    + (x.right() == null ? "—" : x.right()));
        }
        m.put("environment", lines);
        return m;
    }

    private static String shown(Double v) {
        return v == null ? null : String.valueOf(v);
    }
}
