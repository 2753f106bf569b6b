package dev.keel.core.provenance;

import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;

/**
 * How {@code keel reproduce} marks the run it starts, so that the CLI, the dashboard and a team
 * server read the same record: the provenance key {@value #REPRODUCES} holds the original's id,
 * {@value #RECORD} the verdict, and the tag {@code reproduces:ORIGINAL} makes the reproductions
 * of a run one search away in every store (a filter can name tags, not provenance).
 *
 * <pre>
 * "reproduction": {"of": "6v8m5w0s", "verdict": "diverged", "text": "diverged at step 3: …",
 *                  "step": 3, "key": "accuracy", "left": "0.9749", "right": "0.9746",
 *                  "points": 20, "exit_code": 0, "steps": 4, "rtol": 1e-6,
 *                  "environment": ["threads OMP_NUM_THREADS: 1 → 4"]}
 * </pre>
 *
 * <p>{@code left} and {@code right} are the values as Java prints them (text keeps NaN and the
 * last digit); {@code steps} and {@code rtol} only when given.
 */
public final class Reproductions {
    /** Provenance key: the id of the run this one reproduces. */
    public static final String REPRODUCES = "reproduces";

    /** Provenance key: the verdict of the comparison with the original. */
    public static final String RECORD = "reproduction";

    private static final String TAG_PREFIX = "reproduces:";

    private Reproductions() {}

    /** The tag a reproduction of {@code originalId} carries. */
    public static String tag(String originalId) {
        return TAG_PREFIX + originalId;
    }

    /** The runs filter that finds the reproductions of {@code originalId}. */
    public static Expr of(String originalId) {
        return new Expr.Contains(new Field(Field.Kind.ATTRIBUTE, "tags"), tag(originalId));
    }
}
