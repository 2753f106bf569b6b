package dev.keel.serve.internal;

import dev.keel.server.auth.Access;

/**
 * Every HTTP route of a serving process and the access rule it declares. The router is built
 * from this table alone ({@code ServeApi} gives each constant its handler in an exhaustive
 * switch), so a route cannot exist without a declared rule, and the access matrix test
 * ({@code ServeAccessMatrixTest}) needs a row for each constant.
 */
public enum ServeRoute {
    PREDICT(
            "POST",
            "/v1/models/{call}",
            Rule.CALLER,
            false,
            "Predict: POST /v1/models/NAME:predict with image bytes, or JSON {\"instances\": [{\"b64\": …}]}"),
    MODELS("GET", "/v1/models", Rule.CALLER, false, "The model this server serves"),
    MODEL("GET", "/v1/models/{name}", Rule.CALLER, false, "The version served, its lineage and what it follows"),
    HEALTH("GET", "/healthz", Rule.ANYONE, false, "Loaded and serving; problems with the registry or a load"),
    METRICS("GET", "/metrics", Rule.CALLER, false, "Prometheus metrics"),
    OPENAPI("GET", "/openapi.json", Rule.ANYONE, false, "This document"),
    WEB_INDEX("GET", "/", Rule.CALLER, true, "The web page of --web"),
    WEB_FILE("GET", "/{file}", Rule.CALLER, true, "A file of --web");

    /** Who may call a route. */
    public enum Rule {
        /**
         * Anyone: a load balancer's health check, the API's description. Neither tells more than
         * that a model is served.
         */
        ANYONE,
        /**
         * Whoever may use the model: without API keys (then the server listens on loopback only)
         * anyone who reaches it, with keys a caller sending one of them.
         */
        CALLER
    }

    private final String method;
    private final String pattern;
    private final Rule rule;
    private final boolean web;
    private final String summary;

    ServeRoute(String method, String pattern, Rule rule, boolean web, String summary) {
        this.method = method;
        this.pattern = pattern;
        this.rule = rule;
        this.web = web;
        this.summary = summary;
    }

    public String method() {
        return method;
    }

    public String pattern() {
        return pattern;
    }

    public Rule rule() {
        return rule;
    }

    /** Present only when the server serves a folder of pages ({@code --web}). */
    public boolean web() {
        return web;
    }

    public String summary() {
        return summary;
    }

    /** The rule as the router enforces it, for a server with ({@code keyed}) or without API keys. */
    Access access(boolean keyed) {
        return switch (rule) {
            case ANYONE -> Access.anyone();
            case CALLER -> keyed ? Access.authenticated() : Access.anyone();
        };
    }
}
