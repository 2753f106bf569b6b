package dev.keel.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides by content whether a stage is stale: compared with its keel.lock entry, its command,
 * an input's hash (or dataset version), a param's value or an output's hash differs, an output
 * is missing, or a stage it runs after ran in this repro. Times are never looked at.
 */
public final class Staleness {
    private static final int REASONS_SHOWN = 3;

    private Staleness() {}

    /** What a stage looks like now: input key → hash, param key → value, output path → hash (null: missing). */
    public record Now(Map<String, String> inputs, Map<String, Object> params, Map<String, String> outputs) {}

    /**
     * {@code ranUpstream}: the stages this one depends on that ran (or, in a dry run, would run)
     * in this repro; {@code dryRun}: their outputs are not made yet, so depending on one is
     * reason enough.
     */
    public static Decision decide(
            Flow flow,
            Stage stage,
            FlowLock.Entry entry,
            Now now,
            Set<String> ranUpstream,
            boolean forced,
            boolean dryRun) {
        if (forced) {
            return Decision.run("forced (--force " + stage.name() + ")");
        }
        if (entry == null) {
            return Decision.run("never ran (no entry in keel.lock)");
        }
        if (!Objects.equals(entry.command(), stage.command())) {
            return Decision.run("command changed (was: " + entry.command() + ")");
        }
        List<String> why = new ArrayList<>();
        for (Edge e : flow.edges()) {
            if (e.to().equals(stage.name())
                    && ranUpstream.contains(e.from())
                    && (dryRun || e.via().equals("after"))) {
                String text = "upstream stage " + e.from() + (dryRun ? " runs first" : " re-ran");
                if (!why.contains(text)) {
                    why.add(text);
                }
            }
        }
        for (Input in : stage.inputs()) {
            if (in.kind() == Input.Kind.PARAM) {
                Object was = entry.params().get(in.key());
                Object is = now.params().get(in.key());
                if (!sameValue(was, is)) {
                    why.add("param " + in.key() + " changed (" + was + " → " + is + ")");
                }
                continue;
            }
            String was = entry.inputs().get(in.key());
            String is = now.inputs().get(in.key());
            if (!Objects.equals(was, is)) {
                Stage producer = in.kind() == Input.Kind.PATH ? flow.producerOf(in.path()) : null;
                String change = "(" + ContentHash.shortly(was) + " → " + ContentHash.shortly(is) + ")";
                if (producer != null && ranUpstream.contains(producer.name())) {
                    if (!dryRun) {
                        why.add("upstream stage " + producer.name() + " re-ran: " + in.key() + " changed " + change);
                    }
                } else {
                    why.add("input " + in.key() + " changed " + change);
                }
            }
        }
        for (String o : stage.outputs()) {
            String is = now.outputs().get(o);
            if (is == null) {
                why.add("output " + o + " missing");
            } else if (!is.equals(entry.outputs().get(o))) {
                why.add("output " + o + " changed since keel.lock recorded it ("
                        + ContentHash.shortly(entry.outputs().get(o)) + " → " + ContentHash.shortly(is) + ")");
            }
        }
        if (why.isEmpty()) {
            return Decision.skip("up to date");
        }
        String text = String.join("; ", why.subList(0, Math.min(REASONS_SHOWN, why.size())));
        if (why.size() > REASONS_SHOWN) {
            text += "; and " + (why.size() - REASONS_SHOWN) + " more";
        }
        return Decision.run(text);
    }

    /**
     * Numbers compare by value, lists and maps element by element: a YAML 8 (an Integer) read
     * back from the lock's JSON as a Long is the same param.
     */
    static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!sameValue(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Object k : x.keySet()) {
                if (!sameValue(x.get(k), y.get(k))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }
}
