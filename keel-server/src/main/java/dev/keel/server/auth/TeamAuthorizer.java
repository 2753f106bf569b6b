package dev.keel.server.auth;

import dev.keel.core.KeelException;
import dev.keel.core.access.AccessStore;
import dev.keel.core.access.ProjectAccess;
import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.Visibility;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;

import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The team server's {@link Authorizer}: every project and dataset has an owner and a visibility.
 * <ul>
 *   <li>{@code private}: its owner reads and writes it;</li>
 *   <li>{@code team}: so do the members of any team the owner belongs to;</li>
 *   <li>{@code public}: as team, and every signed-in user reads it; anonymous callers read it
 *       only when the server allows anonymous reads.</li>
 * </ul>
 * Admins read and write everything. A project no one owns yet and that has no runs is claimed by
 * the first signed-in user who writes to it (private, or team where the server's default
 * visibility says so): the claim is made when the
 * write is authorized, atomically, so two users creating one project at once cannot both own it.
 * A project that has runs but no owner (data from before the server had users) is visible to
 * admins only, until one gives it an owner with {@code PATCH /api/v1/projects/{project}}.
 * Datasets keep their owner and visibility in the dataset store; a new dataset's owner is the
 * user that {@link #created} names.
 */
public final class TeamAuthorizer implements Authorizer {
    private final AccessStore access;
    private final Store runs;
    private final DatasetStore datasets;
    private final boolean anonymousReads;
    private final Visibility newProjects;
    private final LongSupplier clock;

    public TeamAuthorizer(AccessStore access, Store runs, DatasetStore datasets, boolean anonymousReads) {
        this(access, runs, datasets, anonymousReads, Visibility.PRIVATE);
    }

    /**
     * @param newProjects the visibility a project gets when its first writer claims it: private,
     *                    or team (shared with the creator's teams from the start)
     */
    public TeamAuthorizer(
            AccessStore access, Store runs, DatasetStore datasets, boolean anonymousReads, Visibility newProjects) {
        this(access, runs, datasets, anonymousReads, newProjects, System::currentTimeMillis);
    }

    TeamAuthorizer(AccessStore access, Store runs, DatasetStore datasets, boolean anonymousReads, LongSupplier clock) {
        this(access, runs, datasets, anonymousReads, Visibility.PRIVATE, clock);
    }

    TeamAuthorizer(
            AccessStore access,
            Store runs,
            DatasetStore datasets,
            boolean anonymousReads,
            Visibility newProjects,
            LongSupplier clock) {
        this.access = access;
        this.runs = runs;
        this.datasets = datasets;
        this.anonymousReads = anonymousReads;
        this.newProjects = newProjects == null ? Visibility.PRIVATE : newProjects;
        this.clock = clock;
    }

    @Override
    public boolean canRead(Principal who, Resource resource) {
        if (who.admin()) {
            return true;
        }
        Optional<Owned> owned = owned(resource);
        return owned.isPresent() && allowed(who, owned.get(), false);
    }

    @Override
    public boolean canWrite(Principal who, Resource resource) {
        if (who.anonymous()) {
            return false;
        }
        Optional<Owned> owned = owned(resource);
        if (owned.isEmpty()) {
            if (resource.kind() == Resource.Kind.DATASET) {
                // a new dataset: its creator becomes the owner (created(), or the dataset API saving it)
                return datasets != null;
            }
            if (hasRuns(resource.name())) {
                return who.admin();
            }
            checkClaimable(resource.name());
            ProjectAccess claimed = access.claimProject(resource.name(), who.user(), newProjects, clock.getAsLong());
            owned = Optional.of(new Owned(claimed.owner(), claimed.visibility()));
        }
        return who.admin() || allowed(who, owned.get(), true);
    }

    @Override
    public boolean admitsAnonymous() {
        return anonymousReads;
    }

    @Override
    public void created(Principal who, Resource resource) {
        if (who.anonymous()) {
            return;
        }
        if (resource.kind() == Resource.Kind.PROJECT) {
            access.claimProject(resource.name(), who.user(), newProjects, clock.getAsLong());
        } else if (datasets != null) {
            // saves the owner only when the dataset is new; an existing one keeps its owner
            datasets.saveDataset(resource.name(), who.user(), null, null, clock.getAsLong());
        }
    }

    /** True when {@code who} is the owner of the resource (admins are not owners, but may do what owners do). */
    public boolean isOwner(Principal who, Resource resource) {
        return !who.anonymous()
                && owned(resource).map(o -> o.owner().equals(who.user())).orElse(false);
    }

    private record Owned(String owner, Visibility visibility) {}

    private Optional<Owned> owned(Resource resource) {
        if (resource.kind() == Resource.Kind.PROJECT) {
            return access.project(resource.name()).map(p -> new Owned(p.owner(), p.visibility()));
        }
        if (datasets == null) {
            return Optional.empty();
        }
        Optional<Dataset> d = datasets.dataset(resource.name());
        return d.map(x -> new Owned(x.owner(), x.visibility()));
    }

    private boolean allowed(Principal who, Owned o, boolean write) {
        if (o.owner().isEmpty()) {
            return false;
        }
        if (who.anonymous()) {
            return !write && anonymousReads && o.visibility() == Visibility.PUBLIC;
        }
        if (who.user().equals(o.owner())) {
            return true;
        }
        if (o.visibility() != Visibility.PRIVATE && shareATeam(who, o.owner())) {
            return true;
        }
        return !write && o.visibility() == Visibility.PUBLIC;
    }

    private boolean shareATeam(Principal who, String owner) {
        if (who.teams().isEmpty()) {
            return false;
        }
        Set<String> ownerTeams = access.teamsOf(owner);
        for (String t : who.teams()) {
            if (ownerTeams.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** A name worth recording an owner for; anything else is the caller's mistake (400), not a new project. */
    private static void checkClaimable(String project) {
        boolean control = project.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f);
        if (project.isBlank() || project.length() > 256 || control) {
            throw KeelException.invalid("'" + (control ? project.replaceAll("\\p{Cntrl}", "?") : project)
                    + "' is not a project name: use 1-256 printable characters");
        }
    }

    private boolean hasRuns(String project) {
        return runs.countRuns(RunQuery.project(project)) > 0;
    }
}
