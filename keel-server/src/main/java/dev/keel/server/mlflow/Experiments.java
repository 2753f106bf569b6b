package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.ProjectInfo;
import dev.keel.core.store.Experiment;
import dev.keel.core.store.ExperimentStore;
import dev.keel.core.store.Store;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MLflow experiments over Keel projects: each experiment is one project, found through the
 * store's {@link ExperimentStore}. Experiment "0" ("Default", project "Default") exists from the first
 * call, as MLflow clients expect; projects that Keel's own SDK created get an experiment (same
 * name, next id) the first time MLflow's API lists or meets them.
 */
final class Experiments {
    static final String DEFAULT_NAME = "Default";

    private final Store store;
    private volatile ExperimentStore table;

    Experiments(Store store) {
        this.store = store;
    }

    private ExperimentStore table() {
        ExperimentStore t = table;
        if (t == null) {
            t = store.experiments()
                    .orElseThrow(() -> new KeelException(
                            KeelException.ErrorCode.INTERNAL_ERROR,
                            "MLflow's API needs a SQL run store (SQLite or PostgreSQL); this server's store is "
                                    + store.getClass().getSimpleName() + ": start it with --db jdbc:…"));
            if (t.byId(0).isEmpty()) {
                try {
                    t.create(DEFAULT_NAME, DEFAULT_NAME, "", Map.of(), System.currentTimeMillis(), true);
                } catch (KeelException e) {
                    // another server (or a Keel project called Default) got there first
                    if (e.code() != KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS) {
                        throw e;
                    }
                }
            }
            table = t;
        }
        return t;
    }

    Experiment create(String name, String artifactLocation, Map<String, String> tags) {
        ExperimentStore t = table();
        Optional<Experiment> forProject = t.byProject(name);
        if (forProject.isPresent() && t.byName(name).isEmpty()) {
            throw new KeelException(
                    KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS,
                    "Keel project '" + name
                            + "' belongs to experiment " + forProject.get().id() + " ('"
                            + forProject.get().name()
                            + "'): pick another name");
        }
        boolean projectExists = store.projects().stream().anyMatch(p -> p.name().equals(name));
        if (projectExists) {
            // a Keel project not yet seen by MLflow's API is that experiment: MLflow would say it exists
            sync();
            throw new KeelException(
                    KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS, "Experiment '" + name + "' already exists.");
        }
        return t.create(name, name, artifactLocation, tags, System.currentTimeMillis(), false);
    }

    /** The experiment with this id; RESOURCE_DOES_NOT_EXIST (404) when none. */
    Experiment byId(String id) {
        long n;
        try {
            n = Long.parseLong(id == null ? "" : id.trim());
        } catch (NumberFormatException e) {
            throw KeelException.notFound("No Experiment with id=" + id + " exists");
        }
        ExperimentStore t = table();
        Optional<Experiment> e = t.byId(n);
        if (e.isEmpty()) {
            sync();
            e = t.byId(n);
        }
        return e.orElseThrow(() -> KeelException.notFound("No Experiment with id=" + id + " exists"));
    }

    Optional<Experiment> byName(String name) {
        ExperimentStore t = table();
        Optional<Experiment> e = t.byName(name);
        if (e.isEmpty()) {
            sync();
            e = t.byName(name);
        }
        return e;
    }

    /** The experiment of a project, registering the project when MLflow's API has not seen it. */
    Experiment forProject(String project) {
        ExperimentStore t = table();
        Optional<Experiment> e = t.byProject(project);
        if (e.isPresent()) {
            return e.get();
        }
        sync();
        return t.byProject(project)
                .orElseThrow(() -> KeelException.notFound("project " + project + " has no experiment"));
    }

    List<Experiment> all() {
        sync();
        return table().all();
    }

    void rename(Experiment e, String newName) {
        table().rename(e.id(), newName, System.currentTimeMillis());
    }

    void setLifecycleStage(Experiment e, String stage) {
        table().setLifecycleStage(e.id(), stage, System.currentTimeMillis());
    }

    void setTag(Experiment e, String key, String value) {
        table().setTag(e.id(), key, value, System.currentTimeMillis());
    }

    /** Gives every Keel project without an experiment one, named like the project when free. */
    private void sync() {
        ExperimentStore t = table();
        List<Experiment> known = t.all();
        Set<String> projects = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Experiment e : known) {
            projects.add(e.project());
            names.add(e.name());
        }
        for (ProjectInfo p : store.projects()) {
            if (projects.contains(p.name())) {
                continue;
            }
            String name = names.contains(p.name()) ? p.name() + " (Keel project)" : p.name();
            try {
                t.create(name, p.name(), "", new LinkedHashMap<>(), p.createdAt(), false);
            } catch (KeelException e) {
                if (e.code() != KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS) {
                    throw e;
                }
            }
        }
    }

    static String artifactLocation(Experiment e) {
        return e.artifactLocation().isEmpty() ? "mlflow-artifacts:/" + e.id() : e.artifactLocation();
    }
}
