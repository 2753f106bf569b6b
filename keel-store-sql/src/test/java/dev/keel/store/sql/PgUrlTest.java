package dev.keel.store.sql;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PgUrlTest {
    private static final Map<String, String> ENV = Map.of("KEEL_DB_USER", "envuser", "KEEL_DB_PASSWORD", "envpw");

    @Test
    void credentialsInTheUrlParametersLeaveTheDriverUrlAndNeverTheDisplay() {
        PgUrl u = PgUrl.parse("jdbc:postgresql://db:5433/keel?user=ada&password=s%26cret&sslmode=require", ENV);
        assertEquals("jdbc:postgresql://db:5433/keel?sslmode=require", u.jdbcUrl());
        assertEquals("ada", u.user());
        assertEquals("s&cret", u.password());
        assertEquals("jdbc:postgresql://ada@db:5433/keel?sslmode=require", u.display());
        assertFalse(u.toString().contains("cret"));
    }

    @Test
    void credentialsBeforeTheHostAreTakenOutToo() {
        PgUrl u = PgUrl.parse("jdbc:postgresql://ada:p%40ss@db/keel", ENV);
        assertEquals("jdbc:postgresql://db/keel", u.jdbcUrl());
        assertEquals("ada", u.user());
        assertEquals("p@ss", u.password());
        assertEquals("jdbc:postgresql://ada@db/keel", u.display());
    }

    @Test
    void theEnvironmentFillsInWhatTheUrlLeavesOut() {
        PgUrl u = PgUrl.parse("jdbc:postgresql://db/keel", ENV);
        assertEquals("envuser", u.user());
        assertEquals("envpw", u.password());
        PgUrl bare = PgUrl.parse("jdbc:postgresql://db/keel", Map.of());
        assertNull(bare.user());
        assertNull(bare.password());
        assertEquals("jdbc:postgresql://db/keel", bare.display());
    }

    @Test
    void otherSchemesAreRefusedWithTheForm() {
        KeelException e = assertThrows(KeelException.class, () -> PgUrl.parse("postgres://db/keel", ENV));
        assertEquals(
                "'postgres://db/keel' is not a PostgreSQL URL: write jdbc:postgresql://HOST[:PORT]/DATABASE",
                e.getMessage());
    }
}
