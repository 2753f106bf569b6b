package dev.keel.internal.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link ConsoleChildMain} process; its stdout and stderr together, read as they come. */
record ConsoleChild(Process process, StringBuffer all, Thread reader) {
    static ConsoleChild start(Path home, String mode, List<String> jvmOptions, String resume) throws IOException {
        List<String> cmd = new ArrayList<>(
                List.of(ChildProcesses.currentJava().toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "-cp", System.getProperty("java.class.path"), ConsoleChildMain.class.getName(), home.toString(), mode));
        if (resume != null) {
            cmd.add("again ");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("KEEL_HOME");
        pb.environment().remove("KEEL_CONSOLE");
        if (resume != null) {
            pb.environment().put("KEEL_RESUME", resume);
        }
        Process p = pb.start();
        StringBuffer all = new StringBuffer();
        Thread reader = new Thread(
                () -> {
                    try {
                        byte[] b = new byte[4096];
                        for (int n; (n = p.getInputStream().read(b)) > 0; ) {
                            all.append(new String(b, 0, n, StandardCharsets.UTF_8));
                        }
                    } catch (IOException ignored) {
                        // the child is gone
                    }
                },
                "console-child-reader");
        reader.setDaemon(true);
        reader.start();
        return new ConsoleChild(p, all, reader);
    }

    int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child did not end in 60 s; output: " + all);
        }
        reader.join(10_000); // the last bytes
        return process.exitValue();
    }

    void awaitLine(String line) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!all.toString().contains("\n" + line + "\n")) {
            if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                throw new AssertionError("no '" + line + "' line; output: " + all);
            }
            Thread.sleep(20);
        }
    }

    String output() {
        return all.toString();
    }

    String id() {
        for (String line : all.toString().split("\n")) {
            if (line.startsWith("id ")) {
                return line.substring(3).trim();
            }
        }
        throw new AssertionError("the child printed no id; output: " + all);
    }
}
