package dev.keel.server.auth;

/**
 * The rule a route declares for who may call it. Every route must declare one; the router checks
 * it before the handler runs, so a handler never sees a request its rule denies. The object of a
 * scoped rule (project, run, dataset) is named by a path parameter.
 */
public sealed interface Access {

    enum Need {
        READ,
        WRITE
    }

    /** Anyone, including anonymous callers (health, the OpenAPI document, login). */
    record Anyone() implements Access {}

    /** Any signed-in user; the handler filters what it returns (lists, searches). */
    record Authenticated() implements Access {}

    /** Admins only (users, teams, server settings). */
    record Admin() implements Access {}

    /** The project named by path parameter {@code param}. */
    record Project(String param, Need need) implements Access {}

    /** The project of the run whose id is path parameter {@code param}. */
    record Run(String param, Need need) implements Access {}

    /** The dataset named by path parameter {@code param}. */
    record Dataset(String param, Need need) implements Access {}

    /** The project of the sweep whose id is path parameter {@code param}. */
    record Sweep(String param, Need need) implements Access {}

    /**
     * The project of the registered model named by path parameter {@code param}: a model is
     * visible to whoever may see the project it was registered from.
     */
    record Model(String param, Need need) implements Access {}

    /**
     * The handler checks access itself with the {@link Authorizer} (e.g. the object is named in
     * the body, as in MLflow's API). {@code why} says which object it checks, for the access
     * matrix and the OpenAPI document.
     */
    record InHandler(String why) implements Access {}

    static Access anyone() {
        return new Anyone();
    }

    static Access authenticated() {
        return new Authenticated();
    }

    static Access admin() {
        return new Admin();
    }

    static Access projectRead(String param) {
        return new Project(param, Need.READ);
    }

    static Access projectWrite(String param) {
        return new Project(param, Need.WRITE);
    }

    static Access runRead(String param) {
        return new Run(param, Need.READ);
    }

    static Access runWrite(String param) {
        return new Run(param, Need.WRITE);
    }

    static Access datasetRead(String param) {
        return new Dataset(param, Need.READ);
    }

    static Access datasetWrite(String param) {
        return new Dataset(param, Need.WRITE);
    }

    static Access sweepRead(String param) {
        return new Sweep(param, Need.READ);
    }

    static Access sweepWrite(String param) {
        return new Sweep(param, Need.WRITE);
    }

    static Access modelRead(String param) {
        return new Model(param, Need.READ);
    }

    static Access modelWrite(String param) {
        return new Model(param, Need.WRITE);
    }

    static Access inHandler(String why) {
        return new InHandler(why);
    }
}
