package dev.keel.server.remote;

import dev.keel.Keel;

import java.nio.file.Path;

/** {@code REF DIR}: pulls a model version with {@code Keel.models()} as a predictor would, in whatever mode its environment sets; prints PULLED and the version. */
public final class PullMain {
    private PullMain() {}

    public static void main(String[] args) {
        System.out.println("PULLED " + Keel.models().pull(args[0], Path.of(args[1])));
    }
}
