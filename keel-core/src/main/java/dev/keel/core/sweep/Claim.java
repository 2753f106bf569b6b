package dev.keel.core.sweep;

/**
 * The answer to an agent asking for work: a trial that is now its own, a reason to wait and ask
 * again (paused, or every slot taken by running trials that may still crash), or a reason to
 * stop asking (the sweep is stopped, canceled, finished or at its run cap with nothing running).
 */
public sealed interface Claim {
    record Granted(Trial trial) implements Claim {}

    record Wait(String reason) implements Claim {}

    record Done(String reason) implements Claim {}
}
