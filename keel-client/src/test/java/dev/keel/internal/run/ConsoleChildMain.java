package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training program that prints the ways real ones do, for {@link ConsoleCaptureProcessTest}:
 * through a {@code PrintStream} it took before {@code Keel.init}, through {@code System.err},
 * and from a child process that inherits its console ({@code /bin/echo}, like native code writing
 * to file descriptor 1). Modes: {@code all} closes the run; {@code return} returns from
 * {@code main} without closing it (the shutdown hook ends it); {@code kill} prints, says
 * {@code ready} and waits to be killed. {@code KEEL_RESUME} in the environment resumes a run.
 */
public final class ConsoleChildMain {
    private ConsoleChildMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out; // taken before init, as the reference project does
        Path home = Path.of(args[0]);
        String mode = args[1];
        String tag = args.length > 2 ? args[2] : "";
        Run run = Keel.init(RunOptions.builder()
                .project("console")
                .home(home)
                .systemMetrics(false)
                .build());
        out.println("id " + run.id());
        out.println(tag + "kept 1");
        System.out.println(tag + "out 2");
        System.err.println(tag + "err 3");
        new ProcessBuilder("/bin/echo", tag + "native 4").inheritIO().start().waitFor();
        out.println(tag + "kept 5");
        run.log(Map.of("loss", 1.0));
        if (mode.equals("kill")) {
            out.println("ready");
            Thread.sleep(120_000);
            return;
        }
        out.print(tag + "partial 6");
        if (mode.equals("return")) {
            return;
        }
        run.close();
        out.println();
        out.println(tag + "after close");
    }
}
