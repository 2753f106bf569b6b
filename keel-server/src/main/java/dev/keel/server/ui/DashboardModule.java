package dev.keel.server.ui;

import dev.keel.server.ServerContext;
import dev.keel.server.api.ApiModule;
import dev.keel.server.http.Router;

/**
 * The web dashboard: its pages and static files, plus the API routes only the dashboard needs
 * (downsampled chart series, live events, notes and tags edits, table columns, groups, CSV,
 * reproduce commands and verdicts, environment differences, the flow drawing, the sweep page's data, the drift
 * of a model version's serving runs).
 * Everything else it shows comes from the read API every client uses.
 */
public final class DashboardModule implements ApiModule {
    @Override
    public void register(Router router, ServerContext context) {
        new SeriesApi().register(router, context);
        new LiveEvents().register(router, context);
        new RunEditApi().register(router, context);
        new TableApi().register(router, context);
        new RunFileDownload().register(router, context);
        new ReproduceApi().register(router, context);
        new EnvDiffApi().register(router, context);
        new FlowViewApi().register(router, context);
        new SweepPageApi().register(router, context);
        new ServingDriftApi().register(router, context);
        new UiPages().register(router);
    }
}
