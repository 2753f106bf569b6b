package dev.keel.internal.provenance;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.submodule.SubmoduleWalk;
import org.eclipse.jgit.treewalk.AbstractTreeIterator;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The git state of the working directory's repository, read with JGit from local files only
 * (nothing is fetched). The diff covers tracked files only (staged, then unstaged changes), so
 * build outputs and data files lying around are not swept in.
 */
record GitState(
        String root,
        String commit,
        String branch,
        String remote,
        boolean dirty,
        int changedFiles,
        int untrackedFiles,
        String diff,
        long diffBytes,
        boolean diffTruncated) {

    /** Larger diffs are cut: provenance is for reproducing code changes, not for carrying data. */
    static final int MAX_DIFF_BYTES = 1 << 20;

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root", root);
        m.put("commit", commit);
        m.put("branch", branch);
        m.put("remote", remote);
        m.put("dirty", dirty);
        m.put("changed_files", changedFiles);
        m.put("untracked_files", untrackedFiles);
        m.put("diff_bytes", diffBytes);
        m.put("diff_truncated", diffTruncated);
        return m;
    }

    /** The repository holding {@code dir} (walking up), or null when there is none or it has no work tree. */
    static GitState read(Path dir, int maxDiffBytes) throws IOException, GitAPIException {
        FileRepositoryBuilder builder =
                new FileRepositoryBuilder().setMustExist(true).findGitDir(dir.toFile());
        if (builder.getGitDir() == null) {
            return null;
        }
        try (Repository repo = builder.build();
                Git git = new Git(repo)) {
            if (repo.isBare()) {
                return null;
            }
            ObjectId head = repo.resolve("HEAD");
            Status status = git.status()
                    .setIgnoreSubmodules(SubmoduleWalk.IgnoreSubmoduleMode.ALL)
                    .call();
            TreeSet<String> changed = new TreeSet<>();
            changed.addAll(status.getAdded());
            changed.addAll(status.getChanged());
            changed.addAll(status.getRemoved());
            changed.addAll(status.getModified());
            changed.addAll(status.getMissing());
            changed.addAll(status.getConflicting());
            Capped out = new Capped(maxDiffBytes);
            if (!changed.isEmpty()) {
                writeDiff(repo, head, changed, out);
            }
            String diff = out.text();
            if (out.total > maxDiffBytes) {
                diff += "\n[keel: diff cut: kept the first " + maxDiffBytes + " of " + out.total + " bytes]\n";
            }
            return new GitState(
                    repo.getWorkTree().getAbsolutePath(),
                    head == null ? null : head.name(),
                    repo.getBranch(),
                    remote(repo),
                    !changed.isEmpty(),
                    changed.size(),
                    status.getUntracked().size(),
                    diff,
                    out.total,
                    out.total > maxDiffBytes);
        }
    }

    private static void writeDiff(Repository repo, ObjectId head, TreeSet<String> paths, OutputStream out)
            throws IOException {
        try (DiffFormatter f = new DiffFormatter(out);
                ObjectReader reader = repo.newObjectReader()) {
            f.setRepository(repo);
            f.setPathFilter(PathFilterGroup.createFromStrings(paths));
            AbstractTreeIterator headTree = new EmptyTreeIterator();
            if (head != null) {
                try (RevWalk walk = new RevWalk(repo)) {
                    headTree = new CanonicalTreeParser(
                            null, reader, walk.parseCommit(head).getTree());
                }
            }
            f.format(f.scan(headTree, new DirCacheIterator(repo.readDirCache())));
            List<DiffEntry> unstaged = new ArrayList<>();
            for (DiffEntry e : f.scan(new DirCacheIterator(repo.readDirCache()), new FileTreeIterator(repo))) {
                if (e.getChangeType() != DiffEntry.ChangeType.ADD) { // not in the index: untracked
                    unstaged.add(e);
                }
            }
            f.format(unstaged);
        }
    }

    /** {@code origin}'s URL, else the first remote's; credentials removed. */
    private static String remote(Repository repo) {
        var config = repo.getConfig();
        String url = config.getString("remote", "origin", "url");
        if (url == null) {
            for (String name : new TreeSet<>(config.getSubsections("remote"))) {
                url = config.getString("remote", name, "url");
                if (url != null) {
                    break;
                }
            }
        }
        return Redact.urlCredentials(url);
    }

    /** Keeps the first {@code cap} bytes and counts them all. */
    private static final class Capped extends OutputStream {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final int cap;
        private long total;

        Capped(int cap) {
            this.cap = cap;
        }

        @Override
        public void write(int b) {
            if (total++ < cap) {
                kept.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int room = (int) Math.max(0, Math.min(len, cap - total));
            kept.write(b, off, room);
            total += len;
        }

        String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }
}
