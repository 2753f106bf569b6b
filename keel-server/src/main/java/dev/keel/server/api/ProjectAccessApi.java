package dev.keel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.access.Accounts;
import dev.keel.core.access.ProjectAccess;
import dev.keel.core.data.Visibility;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Principal;
import dev.keel.server.http.Router;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A project's owner and visibility: anyone who may read the project sees them; only its owner
 * or an admin changes them ({@code PATCH /api/v1/projects/{project}} with {@code visibility}
 * and/or {@code owner}). Team members may write to a team project but not hand it over.
 */
public final class ProjectAccessApi implements ApiModule {
    private final Accounts accounts;

    public ProjectAccessApi(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void register(Router router, ServerContext context) {
        router.get(
                "/api/v1/projects/{project}/access",
                Access.projectRead("project"),
                "A project's owner and visibility",
                request -> view(accounts.store()
                        .project(request.param("project"))
                        .orElse(new ProjectAccess(request.param("project"), "", Visibility.PRIVATE, 0))));
        router.patch(
                "/api/v1/projects/{project}",
                Access.projectWrite("project"),
                "Change a project's visibility (private, team, public) and/or owner; its owner or an admin only",
                request -> {
                    String project = request.param("project");
                    Principal who = request.principal();
                    ProjectAccess current = accounts.store().project(project).orElse(null);
                    if (!who.admin() && (current == null || !current.owner().equals(who.user()))) {
                        throw new KeelException(
                                ErrorCode.PERMISSION_DENIED,
                                "only the owner of project " + project + " ("
                                        + (current == null ? "none" : current.owner())
                                        + ") or an admin may change who sees it");
                    }
                    JsonNode body = AuthFields.object(request.json(), Set.of("visibility", "owner"));
                    String vis = AuthFields.text(body, "visibility", false);
                    String owner = AuthFields.text(body, "owner", false);
                    if (vis == null && owner == null) {
                        throw KeelException.invalid(
                                "send field 'visibility' (private, team or public) and/or field 'owner'");
                    }
                    Visibility visibility = null;
                    if (vis != null) {
                        try {
                            visibility = Visibility.parse(vis);
                        } catch (KeelException e) {
                            throw KeelException.invalid("field 'visibility': " + e.getMessage());
                        }
                    }
                    if (owner != null && accounts.store().user(owner).isEmpty()) {
                        throw KeelException.invalid("field 'owner': there is no user '" + owner + "'");
                    }
                    return view(accounts.store().updateProject(project, owner, visibility, System.currentTimeMillis()));
                });
    }

    private static Map<String, Object> view(ProjectAccess p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", p.name());
        out.put("owner", p.owner());
        out.put("visibility", p.visibility().id());
        return out;
    }
}
