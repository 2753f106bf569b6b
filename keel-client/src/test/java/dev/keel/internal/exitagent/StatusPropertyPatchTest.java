package dev.keel.internal.exitagent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The hand-written patch, applied to methods of the shapes javac produces and run in a class
 * loader that verifies them (so a wrong frame or offset fails here, not in a JDK class).
 */
class StatusPropertyPatchTest {
    private static final String KEY = "keel.test.patchedStatus";

    @AfterEach
    void clear() {
        System.clearProperty(KEY);
    }

    @Test
    void aStraightLineMethodGetsTheStatusAndAStackMapTable() throws Exception {
        assertEquals(15, call("straight", 0, 7));
        assertEquals("7", System.getProperty(KEY));
    }

    @Test
    void aMethodWithMonitorsLikeShutdownExitKeepsItsBehaviour() throws Exception {
        assertEquals(103, call("exit", 0, 3));
        assertEquals("3", System.getProperty(KEY));
        assertEquals(100, call("exit", 0, 0));
        assertEquals("0", System.getProperty(KEY));
    }

    @Test
    void aFrameAtOffsetZeroTakesThePrologueTargetsPlace() throws Exception {
        assertEquals(-1, call("countdown", 0, 5));
        assertEquals("5", System.getProperty(KEY));
    }

    @Test
    void switchesHandlersAndLocalVariablesStillWork() throws Exception {
        for (int k = 0; k < 6; k++) {
            assertEquals(PatchFixtures.switched(k), call("switched", 0, k));
            assertEquals(String.valueOf(k), System.getProperty(KEY));
        }
        assertEquals("unlucky", call("switched", 0, 13));
    }

    @Test
    void anInstanceMethodWithALateFirstFrame() throws Exception {
        assertEquals(new PatchFixtures().late(40), call("late", 1, 40));
        assertEquals("40", System.getProperty(KEY));
    }

    @Test
    void aPropertyThatCannotBeSetDoesNotStopTheMethod() throws Exception {
        byte[] patched = new StatusPropertyPatch("exit", "(I)V".replace("V", "I"), 0, "").patch(fixture());
        assertNotNull(patched);
        assertEquals(109, invoke(patched, "exit", 9)); // System.setProperty("", ...) throws inside
    }

    @Test
    void anAbsentMethodOrAForeignFileIsLeftAlone() throws Exception {
        assertNull(new StatusPropertyPatch("missing", "(I)V", 0, KEY).patch(fixture()));
        assertNull(new StatusPropertyPatch("exit", "(I)I", 0, KEY).patch(new byte[] {1, 2, 3, 4}));
        byte[] cut = fixture();
        assertNull(new StatusPropertyPatch("exit", "(I)I", 0, KEY).patch(java.util.Arrays.copyOf(cut, cut.length - 3)));
    }

    @Test
    void theJdksOwnShutdownClassIsUnderstood() throws IOException {
        byte[] shutdown;
        try (InputStream in = Object.class.getResourceAsStream("/java/lang/Shutdown.class")) {
            shutdown = in.readAllBytes();
        }
        byte[] patched = new StatusPropertyPatch("exit", "(I)V", 0, KEY).patch(shutdown);
        assertNotNull(patched, "java.lang.Shutdown.exit(int) of JDK " + Runtime.version());
        byte[] again = new StatusPropertyPatch("exit", "(I)V", 0, KEY).patch(shutdown);
        assertArrayEquals(patched, again);
    }

    private static Object call(String method, int slot, int arg) throws Exception {
        String desc = switch (method) {
            case "switched" -> "(I)Ljava/lang/String;";
            default -> "(I)I";
        };
        byte[] patched = new StatusPropertyPatch(method, desc, slot, KEY).patch(fixture());
        assertNotNull(patched, method + " was patched");
        System.clearProperty(KEY);
        return invoke(patched, method, arg);
    }

    private static Object invoke(byte[] classFile, String method, int arg) throws Exception {
        Class<?> c = new ClassLoader(StatusPropertyPatchTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(PatchFixtures.class.getName(), classFile, 0, classFile.length);
            }
        }.define();
        Method m = c.getMethod(method, int.class);
        Object target = Modifier.isStatic(m.getModifiers()) ? null : c.getConstructor().newInstance();
        return m.invoke(target, arg);
    }

    private static byte[] fixture() throws IOException {
        try (InputStream in = PatchFixtures.class.getResourceAsStream("PatchFixtures.class")) {
            return in.readAllBytes();
        }
    }
}
