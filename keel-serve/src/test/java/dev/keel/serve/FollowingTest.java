package dev.keel.serve;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Following an alias in this JVM: promotions, a version that cannot load, pins, a registry that goes away. */
class FollowingTest {
    @TempDir
    Path tmp;

    private ModelServer start(TinyModels models, ServeOptions o) {
        // a long poll: the tests read the alias themselves with checkNow()
        return ModelServer.start(models.registry, o.port(0).pollMs(3_600_000).workDir(tmp.resolve("work")), null);
    }

    @Test
    void aVersionThatFailsToLoadLeavesTheOldOneServingAndIsShown() throws Exception {
        try (TinyModels models = new TinyModels(tmp.resolve("keel"))) {
            models.register(1);
            models.register(2, "dev.keel.serve.NoSuchBlockFactory");
            models.register(3);
            models.alias("production", 1);
            try (ModelServer s = start(models, ServeOptions.of("tiny@production"))) {
                models.alias("production", 2);
                s.checkNow();
                assertEquals("tiny:v1", s.serving().ref());
                Map<String, Object> health = s.health();
                assertEquals("degraded", health.get("status"));
                String problem = String.valueOf(((Map<?, ?>) health.get("load_problem")).get("message"));
                assertTrue(
                        problem.startsWith(
                                "tiny:v2's serving.properties names dev.keel.serve.NoSuchBlockFactory, which is"
                                        + " neither in the version's libs/*.jar nor on this server's class path"),
                        problem);

                models.alias("production", 3);
                s.checkNow();
                assertEquals("tiny:v3", s.serving().ref());
                assertEquals("ok", s.health().get("status"));
                assertNull(s.health().get("load_problem"));
            }
        }
    }

    @Test
    void aPinnedServerDoesNotFollowTheAlias() throws Exception {
        try (TinyModels models = new TinyModels(tmp.resolve("keel"))) {
            models.register(1);
            models.register(2);
            models.alias("production", 2);
            try (ModelServer s =
                    start(models, ServeOptions.of("tiny@production").pin(1))) {
                assertEquals("tiny:v1", s.serving().ref());
                s.checkNow();
                assertEquals("tiny:v1", s.serving().ref());
                assertNull(s.health().get("following"));
            }
        }
    }

    @Test
    void aRegistryThatGoesAwayLeavesTheVersionServingAndIsShown() throws Exception {
        TinyModels models = new TinyModels(tmp.resolve("keel"));
        models.register(1);
        models.alias("production", 1);
        try (ModelServer s = start(models, ServeOptions.of("tiny@production"))) {
            models.close();
            s.checkNow();
            assertEquals("tiny:v1", s.serving().ref());
            Map<String, Object> health = s.health();
            assertEquals("degraded", health.get("status"));
            String problem = String.valueOf(((Map<?, ?>) health.get("registry_problem")).get("message"));
            assertTrue(problem.startsWith("cannot read tiny@production from the model registry"), problem);
            assertTrue(problem.endsWith("serving tiny:v1 until it can"), problem);
        }
    }

    @Test
    void aRegistryThatCannotBeReadAtStartIsAClearError() throws Exception {
        TinyModels models = new TinyModels(tmp.resolve("keel"));
        models.register(1);
        models.close();
        KeelException e = assertThrows(KeelException.class, () -> start(models, ServeOptions.of("tiny")));
        assertTrue(e.getMessage().startsWith("cannot read the model registry to find tiny: "), e.getMessage());
        assertEquals(KeelException.ErrorCode.TEMPORARILY_UNAVAILABLE, e.code());
    }

    @Test
    void aVersionWithoutServingDescriptorIsRefusedNamingTheFix() throws Exception {
        try (TinyModels models = new TinyModels(tmp.resolve("keel"))) {
            models.registerWithoutDescriptor();
            KeelException e = assertThrows(KeelException.class, () -> start(models, ServeOptions.of("tiny:v1")));
            assertTrue(
                    e.getMessage().startsWith("tiny:v1 cannot be served: it has no serving.properties (its files:"),
                    e.getMessage());
        }
    }
}
