package dev.keel.cli;

import dev.keel.core.access.AccessStore;
import dev.keel.core.access.Accounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code keel server teams add|add-member|remove-member|ls}: a team server's teams, in its database. */
@Command(
        name = "teams",
        mixinStandardHelpOptions = true,
        description = "Manage a team server's teams (works on the database; no server needed). Members of the owner's"
                + " team see and change the owner's team projects.",
        subcommands = {
            ServerTeamsCommand.Add.class,
            ServerTeamsCommand.AddMember.class,
            ServerTeamsCommand.RemoveMember.class,
            ServerTeamsCommand.Ls.class
        })
public final class ServerTeamsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a team.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "TEAM", description = "The new team's name.")
        String team;

        @Mixin
        ServerDbOption db;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (AccessStore store = db.open()) {
                new Accounts(store).createTeam(team);
            }
            new Output(spec.commandLine()).note("team " + team + " created");
            return 0;
        }
    }

    @Command(name = "add-member", mixinStandardHelpOptions = true, description = "Add a user to a team.")
    static final class AddMember implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "TEAM", description = "The team.")
        String team;

        @Parameters(index = "1", paramLabel = "USER", description = "The user's name.")
        String user;

        @Mixin
        ServerDbOption db;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            boolean added;
            try (AccessStore store = db.open()) {
                added = new Accounts(store).addMember(team, user);
            }
            new Output(spec.commandLine()).note(added ? user + " added to " + team : user + " was already in " + team);
            return 0;
        }
    }

    @Command(name = "remove-member", mixinStandardHelpOptions = true, description = "Remove a user from a team.")
    static final class RemoveMember implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "TEAM", description = "The team.")
        String team;

        @Parameters(index = "1", paramLabel = "USER", description = "The user's name.")
        String user;

        @Mixin
        ServerDbOption db;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            boolean removed;
            try (AccessStore store = db.open()) {
                removed = new Accounts(store).removeMember(team, user);
            }
            new Output(spec.commandLine())
                    .note(removed ? user + " removed from " + team : user + " was not in " + team);
            return 0;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List teams and their members.")
    static final class Ls implements Callable<Integer> {
        @Mixin
        ServerDbOption db;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            StringBuilder out = new StringBuilder(String.format("%-24s %s%n", "TEAM", "MEMBERS"));
            try (AccessStore store = db.open()) {
                for (String t : store.teams()) {
                    out.append(String.format("%-24s %s%n", t, String.join(",", store.members(t))));
                }
            }
            new Output(spec.commandLine()).text(out.toString());
            return 0;
        }
    }
}
