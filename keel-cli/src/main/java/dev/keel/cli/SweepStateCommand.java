package dev.keel.cli;

import dev.keel.cli.access.SweepAccess;
import dev.keel.core.store.Store;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code keel sweep pause|resume|stop|cancel SWEEP}: moves a sweep to another state. */
abstract class SweepStateCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SWEEP", description = "The sweep's id (or a unique prefix, or its name).")
    String ref;

    abstract SweepState target();

    /** What the new state means for running trials and agents. */
    abstract String meaning();

    @Override
    public Integer call() {
        Sweep after;
        try (Store store = home.access().openExisting()) {
            Sweep sweep = SweepAccess.find(store.sweeps(), ref);
            after = store.sweeps().setState(sweep.id(), target());
        }
        new Output(spec.commandLine()).text(after.id() + "  " + after.state().label() + ": " + meaning() + "\n");
        return 0;
    }

    @Command(
            name = "pause",
            mixinStandardHelpOptions = true,
            description = "Pauses a sweep: running trials go on, agents wait for 'keel sweep resume'.")
    static final class Pause extends SweepStateCommand {
        @Override
        SweepState target() {
            return SweepState.PAUSED;
        }

        @Override
        String meaning() {
            return "running trials go on, no new ones start until 'keel sweep resume'";
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = "Resumes a paused sweep: agents start trials again.")
    static final class Resume extends SweepStateCommand {
        @Override
        SweepState target() {
            return SweepState.RUNNING;
        }

        @Override
        String meaning() {
            return "agents start trials again";
        }
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description = "Stops a sweep for good: running trials finish, no new ones start.")
    static final class Stop extends SweepStateCommand {
        @Override
        SweepState target() {
            return SweepState.STOPPED;
        }

        @Override
        String meaning() {
            return "running trials finish, no new ones start";
        }
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = "Cancels a sweep for good: agents kill its running trials.")
    static final class Cancel extends SweepStateCommand {
        @Override
        SweepState target() {
            return SweepState.CANCELED;
        }

        @Override
        String meaning() {
            return "agents kill its running trials";
        }
    }
}
