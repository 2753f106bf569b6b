package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.access.AccessStore;
import dev.keel.core.access.Accounts;
import dev.keel.core.access.NewKey;
import dev.keel.core.access.ProjectAccess;
import dev.keel.core.access.StoredKey;
import dev.keel.core.data.Visibility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link AccessStore} must do, run against SQLite and PostgreSQL through subclasses. */
abstract class AccessStoreContractTest {
    protected AccessStore store;
    private final AtomicLong clock = new AtomicLong(1_000);
    private Accounts accounts;

    /** The location of a new, empty database. */
    protected abstract String newLocation() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = SqlAccessStore.open(newLocation()).orElseThrow();
        accounts = new Accounts(store, clock::get);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aNewKeyVerifiesUntilRevokedAndOnlyItsHashIsStored() {
        NewKey key = accounts.createUser("ada", false, List.of(), null);
        assertTrue(key.key().startsWith("keel_" + key.id() + "_"), key.id());
        assertEquals("ada", accounts.verifyKey(key.key()).orElseThrow().name());
        StoredKey stored = store.key(key.id()).orElseThrow();
        assertNotEquals(key.key(), stored.hash());
        assertFalse(stored.hash().contains(key.key().substring(18)), "the secret must not be stored");
        assertFalse(key.toString().contains(key.key()), "toString must hide the secret");

        String forged =
                key.key().substring(0, key.key().length() - 1) + (key.key().endsWith("A") ? "B" : "A");
        assertTrue(accounts.verifyKey(forged).isEmpty());
        assertTrue(accounts.verifyKey("keel_short").isEmpty());
        assertTrue(accounts.verifyKey(null).isEmpty());

        assertTrue(accounts.revoke(key.id()));
        assertFalse(accounts.revoke(key.id()), "a second revoke changes nothing");
        assertTrue(accounts.verifyKey(key.key()).isEmpty());
        assertTrue(store.keys("ada").get(0).revoked());
    }

    @Test
    void usersAreUniqueAndNamesAreChecked() {
        accounts.createUser("ada", true, List.of("vision"), null);
        KeelException again =
                assertThrows(KeelException.class, () -> accounts.createUser("ada", false, List.of(), null));
        assertEquals(KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS, again.code());
        KeelException bad = assertThrows(KeelException.class, () -> accounts.createUser("a b", false, List.of(), null));
        assertTrue(bad.getMessage().contains("'a b' is not a valid user name"), bad.getMessage());
        assertTrue(store.user("ada").orElseThrow().admin());
        assertEquals(List.of("ada"), store.users().stream().map(u -> u.name()).toList());
    }

    @Test
    void teamsAndMembers() {
        accounts.createUser("ada", false, List.of("vision"), null);
        accounts.createUser("bob", false, List.of(), null);
        assertEquals(List.of("vision"), store.teams());
        assertTrue(accounts.addMember("vision", "bob"));
        assertFalse(accounts.addMember("vision", "bob"));
        assertEquals(List.of("ada", "bob"), store.members("vision"));
        assertEquals(Set.of("vision"), store.teamsOf("bob"));
        assertTrue(accounts.removeMember("vision", "bob"));
        assertEquals(Set.of(), store.teamsOf("bob"));
        assertThrows(KeelException.class, () -> accounts.addMember("nlp", "bob"));
        assertThrows(KeelException.class, () -> accounts.addMember("vision", "nobody"));
        assertEquals(
                KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS,
                assertThrows(KeelException.class, () -> accounts.createTeam("vision"))
                        .code());
    }

    @Test
    void theFirstClaimOfAProjectWinsAndUpdatesKeepUnsetFields() {
        assertTrue(store.project("p").isEmpty());
        ProjectAccess first = store.claimProject("p", "ada", Visibility.PRIVATE, 5);
        ProjectAccess second = store.claimProject("p", "bob", Visibility.PUBLIC, 6);
        assertEquals(new ProjectAccess("p", "ada", Visibility.PRIVATE, 5), first);
        assertEquals(first, second);
        assertEquals(
                new ProjectAccess("p", "ada", Visibility.TEAM, 5), store.updateProject("p", null, Visibility.TEAM, 7));
        assertEquals(new ProjectAccess("p", "bob", Visibility.TEAM, 5), store.updateProject("p", "bob", null, 7));
        assertEquals(
                new ProjectAccess("q", "", Visibility.PUBLIC, 8), store.updateProject("q", null, Visibility.PUBLIC, 8));
    }

    @Test
    void passwordsAreSaltedHashesCheckedByPbkdf2() {
        accounts.createUser("ada", false, List.of(), "correct horse battery");
        accounts.createUser("bob", false, List.of(), "correct horse battery");
        String hash = store.passwordHash("ada").orElseThrow();
        assertTrue(hash.startsWith("pbkdf2-sha256$"), hash);
        assertNotEquals(hash, store.passwordHash("bob").orElseThrow(), "salted: the same password hashes differently");
        assertEquals(
                "ada",
                accounts.verifyPassword("ada", "correct horse battery")
                        .orElseThrow()
                        .name());
        assertTrue(accounts.verifyPassword("ada", "wrong horse battery").isEmpty());
        accounts.createUser("cy", false, List.of(), null);
        assertTrue(accounts.verifyPassword("cy", "").isEmpty(), "no password: password sign-in is off");
        assertThrows(KeelException.class, () -> accounts.setPassword("cy", "short"));
    }

    @Test
    void sessionsEndOnLogoutAndWhenExpired() {
        accounts.createUser("ada", false, List.of(), null);
        Accounts.Session s = accounts.startSession("ada");
        assertEquals("ada", accounts.session(s.token()).orElseThrow().user());
        assertEquals(s.csrfToken(), accounts.session(s.token()).orElseThrow().csrfToken());
        assertTrue(store.session(s.token()).isEmpty(), "stored by hash, not by token");
        accounts.endSession(s.token());
        assertTrue(accounts.session(s.token()).isEmpty());

        Accounts.Session later = accounts.startSession("ada");
        clock.addAndGet(Accounts.SESSION_TTL_MS + 1);
        assertTrue(accounts.session(later.token()).isEmpty(), "expired");
    }
}
