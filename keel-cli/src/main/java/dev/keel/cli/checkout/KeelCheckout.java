package dev.keel.cli.checkout;

import dev.keel.core.KeelException;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Keel source checkout this CLI was built from: {@code keel demo} runs its reference project
 * and {@code keel init} installs its modules for a new project. Found from {@code KEEL_ROOT}
 * (the {@code ./keel} launcher sets it), else from the jar's own place
 * ({@code ROOT/keel-cli/target/keel.jar}).
 */
public record KeelCheckout(Path root) {
    /** The reference project's folder, relative to the root. */
    public static final String EXAMPLE = "examples/apparel-classifier";

    public KeelCheckout {
        root = root.toAbsolutePath().normalize();
    }

    /** The checkout, or a clear error when this CLI does not run from one. */
    public static KeelCheckout locate() {
        String env = System.getenv("KEEL_ROOT");
        if (env != null && !env.isBlank()) {
            return check(Path.of(env), "KEEL_ROOT=" + env);
        }
        Path jar;
        try {
            jar = Path.of(KeelCheckout.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw KeelException.notFound("cannot tell where this keel CLI was started from (" + e
                    + "); set KEEL_ROOT to the Keel source checkout");
        }
        // .../keel-cli/target/keel.jar or .../keel-cli/target/classes: the root is two levels up.
        Path root = jar.getParent() == null || jar.getParent().getParent() == null
                ? jar
                : jar.getParent().getParent().getParent();
        return check(root == null ? jar : root, jar.toString());
    }

    private static KeelCheckout check(Path root, String from) {
        if (!Files.isRegularFile(root.resolve(EXAMPLE).resolve("pom.xml"))
                || !Files.isRegularFile(root.resolve("pom.xml"))) {
            throw KeelException.notFound("no Keel source checkout at " + root.toAbsolutePath() + " (found from " + from
                    + "): this command needs the checkout the CLI was built from; run it through that checkout's"
                    + " ./keel launcher, or set KEEL_ROOT to the checkout");
        }
        return new KeelCheckout(root);
    }

    public Path example() {
        return root.resolve(EXAMPLE);
    }
}
