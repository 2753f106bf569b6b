package dev.keel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.access.AccessStore;
import dev.keel.core.access.Accounts;
import dev.keel.core.access.NewKey;
import dev.keel.core.access.StoredKey;
import dev.keel.core.access.User;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Principal;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Users, their API keys and teams. Admins create users and teams and manage membership; every
 * user manages their own keys and password (admins anyone's). A new key's text is in the
 * response that creates it and nowhere else, ever.
 */
public final class UsersApi implements ApiModule {
    private final Accounts accounts;

    public UsersApi(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void register(Router router, ServerContext context) {
        AccessStore store = accounts.store();
        router.get("/api/v1/me", Access.authenticated(), "The caller: user name, admin flag and teams", request -> {
            Principal who = request.principal();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("user", who.user());
            out.put("admin", who.admin());
            out.put("teams", who.teams().stream().sorted().toList());
            return out;
        });
        router.get("/api/v1/users", Access.admin(), "Every user with their teams", request -> {
            List<Object> users = new ArrayList<>();
            for (User u : store.users()) {
                users.add(user(u, store));
            }
            return Map.of("users", users);
        });
        router.post(
                "/api/v1/users",
                Access.admin(),
                "Create a user {name, admin?, teams?, password?}; answers the first API key, shown only this once",
                request -> {
                    JsonNode body = AuthFields.object(request.json(), Set.of("name", "admin", "teams", "password"));
                    NewKey key = accounts.createUser(
                            AuthFields.text(body, "name", true),
                            AuthFields.bool(body, "admin"),
                            AuthFields.texts(body, "teams"),
                            AuthFields.text(body, "password", false));
                    return Response.json(201, newKey(key));
                });
        router.get(
                "/api/v1/users/{user}/keys",
                Access.authenticated(),
                "A user's API keys (ids and dates, never the keys)",
                request -> {
                    String user = selfOrAdmin(request);
                    List<Object> keys = new ArrayList<>();
                    for (StoredKey k : store.keys(user)) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", k.id());
                        m.put("created_at", k.createdAt());
                        m.put("revoked_at", k.revoked() ? k.revokedAt() : null);
                        keys.add(m);
                    }
                    return Map.of("keys", keys);
                });
        router.post(
                "/api/v1/users/{user}/keys",
                Access.authenticated(),
                "A new API key for the user, shown only this once",
                request -> Response.json(201, newKey(accounts.newKey(selfOrAdmin(request)))));
        router.delete(
                "/api/v1/users/{user}/keys/{key}",
                Access.authenticated(),
                "Revoke one of the user's API keys",
                request -> {
                    String user = selfOrAdmin(request);
                    String id = request.param("key");
                    StoredKey k = store.key(id)
                            .filter(x -> x.user().equals(user))
                            .orElseThrow(() -> KeelException.notFound("user " + user + " has no key " + id));
                    accounts.revoke(k.id());
                    return null;
                });
        router.put(
                "/api/v1/users/{user}/password",
                Access.authenticated(),
                "Set the user's password {password}",
                request -> {
                    String user = selfOrAdmin(request);
                    JsonNode body = AuthFields.object(request.json(), Set.of("password"));
                    accounts.setPassword(user, AuthFields.text(body, "password", true));
                    return null;
                });
        router.get(
                "/api/v1/teams",
                Access.authenticated(),
                "Teams with their members (an admin sees every team)",
                request -> {
                    Principal who = request.principal();
                    List<Object> teams = new ArrayList<>();
                    for (String t : store.teams()) {
                        if (who.admin() || who.teams().contains(t)) {
                            teams.add(Map.of("name", t, "members", store.members(t)));
                        }
                    }
                    return Map.of("teams", teams);
                });
        router.post("/api/v1/teams", Access.admin(), "Create a team {name}", request -> {
            JsonNode body = AuthFields.object(request.json(), Set.of("name"));
            String name = AuthFields.text(body, "name", true);
            accounts.createTeam(name);
            return Response.json(201, Map.of("name", name, "members", List.of()));
        });
        router.put("/api/v1/teams/{team}/members/{user}", Access.admin(), "Add a user to a team", request -> {
            accounts.addMember(request.param("team"), request.param("user"));
            return null;
        });
        router.delete("/api/v1/teams/{team}/members/{user}", Access.admin(), "Remove a user from a team", request -> {
            if (!accounts.removeMember(request.param("team"), request.param("user"))) {
                throw KeelException.notFound(
                        request.param("user") + " is not a member of team " + request.param("team"));
            }
            return null;
        });
    }

    /** The {user} of the path when it is the caller or the caller is an admin; 403 otherwise. */
    private String selfOrAdmin(Request request) {
        String user = request.param("user");
        Principal who = request.principal();
        if (!who.admin() && !user.equals(who.user())) {
            throw new KeelException(
                    ErrorCode.PERMISSION_DENIED,
                    "you may only manage your own keys and password" + " (ask an admin for anyone else's)");
        }
        accounts.requireUser(user);
        return user;
    }

    private static Map<String, Object> user(User u, AccessStore store) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", u.name());
        m.put("admin", u.admin());
        m.put("created_at", u.createdAt());
        m.put("teams", List.copyOf(store.teamsOf(u.name())));
        return m;
    }

    private static Map<String, Object> newKey(NewKey key) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", key.user());
        m.put("key_id", key.id());
        m.put("api_key", key.key());
        return m;
    }
}
