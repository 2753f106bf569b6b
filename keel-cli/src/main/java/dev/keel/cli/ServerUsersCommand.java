package dev.keel.cli;

import dev.keel.core.access.AccessStore;
import dev.keel.core.access.Accounts;
import dev.keel.core.access.NewKey;
import dev.keel.core.access.StoredKey;
import dev.keel.core.access.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code keel server users add|ls|key|revoke}: a team server's users and API keys, managed
 * directly in its database. A new key is printed once, alone on stdout (so scripts can take
 * it); only its hash is stored.
 */
@Command(
        name = "users",
        mixinStandardHelpOptions = true,
        description = "Manage a team server's users and their API keys (works on the database; no server needed).",
        subcommands = {
            ServerUsersCommand.Add.class,
            ServerUsersCommand.Ls.class,
            ServerUsersCommand.Key.class,
            ServerUsersCommand.Revoke.class
        })
public final class ServerUsersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static void printKey(Output output, NewKey key) {
        output.note("API key for " + key.user() + " (id " + key.id() + "). It is shown only now: store it safely, then"
                + " run 'keel login URL' with it.");
        output.text(key.key() + "\n");
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Create a user and print their first API key.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The user name (letters, digits, . _ @ -).")
        String name;

        @Option(names = "--admin", description = "Make the user an admin (reads and writes everything, manages users).")
        boolean admin;

        @Option(
                names = "--team",
                paramLabel = "TEAM",
                description = "Add the user to this team (created when new); repeatable.")
        List<String> teams = new ArrayList<>();

        @Mixin
        ServerDbOption db;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (AccessStore store = db.open()) {
                printKey(new Output(spec.commandLine()), new Accounts(store).createUser(name, admin, teams, null));
            }
            return 0;
        }
    }

    @Command(name = "key", mixinStandardHelpOptions = true, description = "Print a new API key for an existing user.")
    static final class Key implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The user who gets the key.")
        String name;

        @Mixin
        ServerDbOption db;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (AccessStore store = db.open()) {
                printKey(new Output(spec.commandLine()), new Accounts(store).newKey(name));
            }
            return 0;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List users, their teams and key ids.")
    static final class Ls implements Callable<Integer> {
        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                defaultValue = "table",
                description = "table or json (default: ${DEFAULT-VALUE}).")
        Format format;

        @Mixin
        ServerDbOption db;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Output output = new Output(spec.commandLine());
            List<Map<String, Object>> rows = new ArrayList<>();
            try (AccessStore store = db.open()) {
                for (User u : store.users()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", u.name());
                    row.put("admin", u.admin());
                    row.put("teams", List.copyOf(store.teamsOf(u.name())));
                    row.put(
                            "keys",
                            store.keys(u.name()).stream()
                                    .filter(k -> !k.revoked())
                                    .map(StoredKey::id)
                                    .toList());
                    row.put(
                            "revoked_keys",
                            store.keys(u.name()).stream()
                                    .filter(StoredKey::revoked)
                                    .map(StoredKey::id)
                                    .toList());
                    rows.add(row);
                }
            }
            if (format == Format.json) {
                output.json(rows);
                return 0;
            }
            StringBuilder out =
                    new StringBuilder(String.format("%-24s %-5s %-24s %s%n", "USER", "ADMIN", "TEAMS", "KEYS"));
            for (Map<String, Object> r : rows) {
                out.append(String.format(
                        "%-24s %-5s %-24s %s%n",
                        r.get("name"),
                        (Boolean) r.get("admin") ? "yes" : "",
                        String.join(",", castList(r.get("teams"))),
                        String.join(",", castList(r.get("keys")))));
            }
            output.text(out.toString());
            return 0;
        }

        @SuppressWarnings("unchecked")
        private static List<String> castList(Object o) {
            return (List<String>) o;
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = "Revoke an API key, by its id (see 'users ls') or the key itself. Takes effect at once.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(
                index = "0",
                paramLabel = "KEY_ID",
                description = "The key's id (see 'users ls') or the key itself.")
        String key;

        @Mixin
        ServerDbOption db;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Output output = new Output(spec.commandLine());
            try (AccessStore store = db.open()) {
                if (!new Accounts(store).revoke(key)) {
                    output.note("keel: no valid key " + (key.startsWith("keel_") ? "(given in full)" : key)
                            + ": it does not exist or was already revoked ('keel server users ls' lists key ids)");
                    return Errors.ERROR;
                }
            }
            output.note("revoked");
            return 0;
        }
    }
}
