package dev.keel.data;

import dev.keel.core.KeelHome;

import java.nio.file.Path;

/** A separate process that adds a folder: {@code ChildAdd HOME NAME SOURCE}; prints the result. */
public final class ChildAdd {
    public static void main(String[] args) {
        try (Datasets d = Datasets.open(new KeelHome(Path.of(args[0])))) {
            AddResult r = d.add(
                    args[1],
                    Path.of(args[2]),
                    AddOptions.defaults()
                            .message("from child " + ProcessHandle.current().pid()));
            System.out.println("DONE " + r.version().ref() + " " + r.version().hash());
        } catch (RuntimeException e) {
            System.err.println("FAILED " + e.getMessage());
            System.exit(3);
        }
    }
}
