package dev.keel.internal.exitagent;

/** Methods of shapes javac produces, for {@link StatusPropertyPatchTest} to patch and run verified. */
public final class PatchFixtures {
    private static final Object LOCK = new Object();
    private static int calls;
    private int field;

    /** Straight-line: no branches, so no StackMapTable until the patch adds one. */
    public static int straight(int s) {
        return s * 2 + 1;
    }

    /** Shaped like {@code Shutdown.exit}: monitors (with their handlers), a branch, a call. */
    public static int exit(int status) {
        synchronized (LOCK) {
            if (status != 0 && calls < 0) {
                return -1;
            }
        }
        synchronized (PatchFixtures.class) {
            calls++;
            return status + 100;
        }
    }

    /** The loop body starts at offset 0 and the back branch targets it: a frame at offset 0. */
    public static int countdown(int n) {
        do {
            n -= 2;
        } while (n > 0);
        return n;
    }

    /** tableswitch padding, a try/catch, local variables starting after 0. */
    public static String switched(int k) {
        String label;
        switch (k) {
            case 0 -> label = "zero";
            case 1 -> label = "one";
            case 2 -> label = "two";
            case 3 -> label = "three";
            default -> label = "many";
        }
        try {
            if (k == 13) {
                throw new IllegalStateException("unlucky");
            }
        } catch (IllegalStateException e) {
            label = e.getMessage();
        }
        return label;
    }

    /** An instance method (the int in slot 1) whose first frame comes more than 63 bytes in. */
    public int late(int x) {
        int a = x + 1;
        int b = a * 3 + x;
        int c = b ^ a;
        int d = c + b * a - x;
        int e = d % 7 + c;
        int f = e * e + d;
        int g = f - e + 11;
        field = a + b + c + d + e + f + g;
        if (field > 1000) {
            return field;
        }
        return -field;
    }
}
