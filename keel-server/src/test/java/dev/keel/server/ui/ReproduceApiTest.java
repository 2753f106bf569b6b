package dev.keel.server.ui;

import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.data.RunInput;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Which commands the Reproduce box offers for which run. */
class ReproduceApiTest {
    static final Map<String, Object> RECORDED = Map.of(
            "git", Map.of("commit", "0123456789abcdef0123456789abcdef01234567", "dirty", true),
            "command", Map.of("argv", List.of("java", "-cp", "app.jar", "Main")));

    private static RunInfo run(RunState state) {
        return new RunInfo(
                "6v8m5w0s",
                "p",
                "bold-glacier-1",
                null,
                "me",
                List.of(),
                "",
                state,
                1,
                1,
                1,
                0,
                null,
                "host",
                7,
                Map.of(),
                Map.of());
    }

    private static List<String> commands(RunState state, Map<String, Object> provenance) {
        return ReproduceApi.commands(
                        run(state), provenance, List.of(new RunInput("6v8m5w0s", "fashion-mnist", 3, "sha256:ab", 1)))
                .stream()
                .map(c -> c.get("command"))
                .toList();
    }

    @Test
    void aKilledRunWithItsCommandRecordedCanBeResumed() {
        assertEquals(
                List.of(
                        "keel reproduce 6v8m5w0s",
                        "git checkout 0123456789abcdef0123456789abcdef01234567",
                        "keel data checkout fashion-mnist:v3 data/fashion-mnist",
                        "keel run resume 6v8m5w0s",
                        "keel run show 6v8m5w0s"),
                commands(RunState.KILLED, RECORDED));
    }

    @Test
    void resumeIsOfferedOnlyWhereTheCliWouldStartIt() {
        assertEquals(
                List.of("keel data checkout fashion-mnist:v3 data/fashion-mnist", "keel run show 6v8m5w0s"),
                commands(RunState.FAILED, Map.of()),
                "no command recorded: nothing to start again");
        for (RunState state : List.of(RunState.FINISHED, RunState.RUNNING)) {
            assertEquals(false, commands(state, RECORDED).contains("keel run resume 6v8m5w0s"), state.toString());
        }
    }

    @Test
    void reproduceIsOfferedOnlyForARunWithACommitAndACommand() {
        assertEquals(
                "keel reproduce 6v8m5w0s", commands(RunState.FINISHED, RECORDED).get(0));
        assertFalse(
                commands(RunState.FINISHED, Map.of("command", RECORDED.get("command")))
                        .contains("keel reproduce 6v8m5w0s"),
                "recorded without git: keel reproduce would refuse");
        assertFalse(
                commands(RunState.FINISHED, Map.of("git", RECORDED.get("git"))).contains("keel reproduce 6v8m5w0s"),
                "no command to start again");
    }
}
