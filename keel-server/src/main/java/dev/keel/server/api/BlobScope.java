package dev.keel.server.api;

import dev.keel.core.KeelException;
import dev.keel.core.RunFile;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.auth.Principal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which run-file contents a caller may name by hash. Knowing a hash grants nothing: a run may
 * list a content only when its caller sent those bytes into the run's project, or a project the
 * caller may write holds them already (see {@code Store.heldBlobs}). The server keeps one copy
 * of equal bytes, but who may use it is decided per project, and every answer about a content
 * held only elsewhere is the answer for an absent one.
 */
final class BlobScope {
    static final int HOLDERS_ASKED = 64;

    private BlobScope() {}

    /** Of {@code hashes}, those {@code who} may name in a run of {@code project}. */
    static Set<String> usable(ServerContext ctx, Principal who, String project, Collection<String> hashes) {
        Set<String> out = new HashSet<>(ctx.store().heldBlobs(project, hashes));
        for (String hash : new LinkedHashSet<>(hashes)) {
            if (!out.contains(hash) && heldWhereWritable(ctx, who, project, hash)) {
                out.add(hash);
            }
        }
        return out;
    }

    static boolean usable(ServerContext ctx, Principal who, String project, String hash) {
        return !usable(ctx, who, project, List.of(hash)).isEmpty();
    }

    /**
     * Refuses a batch for run {@code runId} that lists files whose content its caller may not
     * name; a batch without files costs nothing here.
     */
    static void checkFiles(ServerContext ctx, Principal who, String runId, String project, List<RunFile> files) {
        if (files.isEmpty()) {
            return;
        }
        List<String> hashes = files.stream().map(RunFile::hash).toList();
        Set<String> ok = usable(ctx, who, project, hashes);
        List<String> missing = new ArrayList<>();
        for (RunFile f : files) {
            if (!ok.contains(f.hash())) {
                missing.add("'" + f.name() + "' (" + f.hash() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw KeelException.invalid("the batch lists " + missing.size() + " file(s) whose content this server does"
                    + " not hold for run " + runId + ": "
                    + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                    + (missing.size() > 5 ? ", …" : "") + "; upload each first with PUT /api/v1/runs/" + runId
                    + "/blobs/{hash} (the SDK and 'keel sync' do), then send the batch again");
        }
    }

    /**
     * Another project holds the content and {@code who} may write it. Read access is asked
     * first: it is false for a project nobody owns yet, which a write check would claim. Common
     * contents (an empty file) may be held by very many projects: only the first
     * {@link #HOLDERS_ASKED} are asked about, and a caller who may write none of them sends the
     * bytes once more, which is always allowed.
     */
    private static boolean heldWhereWritable(ServerContext ctx, Principal who, String project, String hash) {
        List<String> holders = ctx.store().blobHolders(hash);
        for (String holder : holders.subList(0, Math.min(HOLDERS_ASKED, holders.size()))) {
            Resource r = Resource.project(holder);
            if (!holder.equals(project)
                    && ctx.authorizer().canRead(who, r)
                    && ctx.authorizer().canWrite(who, r)) {
                return true;
            }
        }
        return false;
    }
}
