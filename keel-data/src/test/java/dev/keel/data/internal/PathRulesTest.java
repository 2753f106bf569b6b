package dev.keel.data.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PathRulesTest {
    @Test
    void safePathsPass() {
        for (String p : new String[] {"a", "a/b.png", ".hidden", "a/.b/..c/...", "ünï cødé/日本.txt", "a..b/c."}) {
            assertNull(PathRules.problem(p), p);
        }
    }

    @Test
    void eachProblemIsNamedAndTheFirstBadSegmentReported() {
        assertEquals("empty path", PathRules.problem(""));
        assertEquals("absolute path", PathRules.problem("/etc/passwd"));
        assertEquals("absolute path", PathRules.problem("C:/x"));
        assertEquals("'' segment in path", PathRules.problem("a//b"));
        assertEquals("'' segment in path", PathRules.problem("a/"));
        assertEquals("'.' segment in path", PathRules.problem("./a"));
        assertEquals("'..' segment in path", PathRules.problem("a/../b"));
        assertEquals("'..' segment in path", PathRules.problem("a/.."));
        assertEquals("'.' segment in path", PathRules.problem("a/./../b"));
        assertEquals("control character or backslash in path", PathRules.problem("a\\b"));
        assertEquals("control character or backslash in path", PathRules.problem("../a\nb"), "control characters win");
        assertEquals("control character or backslash in path", PathRules.problem("a\0"));
        assertEquals("control character or backslash in path", PathRules.problem("a\rb"));
    }
}
