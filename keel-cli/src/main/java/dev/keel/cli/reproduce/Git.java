package dev.keel.cli.reproduce;

import dev.keel.core.KeelException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code git} program, for what JGit lacks: a clone that shares the original's objects
 * ({@code --shared}) and {@code git apply} exactly as users know it.
 */
final class Git {
    private static final long TIMEOUT_S = 300;

    private Git() {}

    /** Runs {@code git -C dir ARGS}; the standard output, or a failure naming the command and git's message. */
    static String run(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            throw KeelException.invalid("cannot start git (" + e.getMessage() + "): keel reproduce needs the git "
                    + "program on the PATH; install git and try again");
        }
        try {
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw KeelException.invalid("git " + String.join(" ", args) + " did not finish in " + TIMEOUT_S + " s");
            }
            if (p.exitValue() != 0) {
                throw new Failure(String.join(" ", command), err.join().strip());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw KeelException.invalid("interrupted while running git " + String.join(" ", args));
        } catch (IOException e) {
            throw KeelException.invalid("git " + String.join(" ", args) + " failed: " + e.getMessage());
        }
    }

    /** Whether the repository at {@code repo} holds {@code commit} (a commit object, not just any object). */
    static boolean hasCommit(Path repo, String commit) {
        try {
            run(repo, "cat-file", "-e", commit + "^{commit}");
            return true;
        } catch (Failure e) {
            return false;
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** A git command that ran and failed; its message is git's own. */
    static final class Failure extends RuntimeException {
        final String command;
        final String gitMessage;

        Failure(String command, String gitMessage) {
            super(command + " failed: " + gitMessage);
            this.command = command;
            this.gitMessage = gitMessage;
        }
    }
}
