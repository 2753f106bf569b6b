package dev.keel.server.auth;

import dev.keel.core.data.Visibility;
import dev.keel.server.ServerFixture;
import dev.keel.server.ServerFixture.Reply;
import dev.keel.server.TeamServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Web sessions as the dashboard uses them: sign in, the cookie, CSRF on writes, sign out. */
class SessionsTest {
    @TempDir
    Path dir;

    private static HttpRequest.Builder request(TeamServerFixture f, String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create(f.server.url() + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    /** The cookie's {@code name=value} from a Set-Cookie header. */
    private static String cookie(Reply r) {
        String set = r.raw().headers().firstValue("Set-Cookie").orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    @Test
    void signingInWithAKeySetsAStrictHttpOnlyCookieAndWritesNeedTheCsrfToken() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            f.projectWithRun("vision", "owner", Visibility.PRIVATE);
            Reply in = f.send(request(
                            f,
                            "POST",
                            "/api/v1/session",
                            "{\"user\": \"owner\", \"api_key\": \"" + f.keys.get("owner") + "\"}")
                    .build());
            assertEquals(200, in.status(), in.body());
            assertEquals("owner", in.json().get("user"));
            String csrf = (String) in.json().get("csrf_token");
            assertTrue(csrf.length() >= 32, csrf);
            String setCookie = in.raw().headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(setCookie.startsWith("keel_session="), setCookie);
            for (String flag : List.of("HttpOnly", "SameSite=Strict", "Path=/")) {
                assertTrue(setCookie.contains("; " + flag), setCookie);
            }
            assertFalse(
                    in.body().contains(cookie(in).substring("keel_session=".length())),
                    "the token is only in the cookie");
            String cookie = cookie(in);

            Reply current = f.send(request(f, "GET", "/api/v1/session", null)
                    .header("Cookie", cookie)
                    .build());
            assertEquals(200, current.status(), current.body());
            assertEquals(csrf, current.json().get("csrf_token"));
            assertEquals(
                    200,
                    f.send(request(f, "GET", "/api/v1/projects/vision", null)
                                    .header("Cookie", cookie)
                                    .build())
                            .status());

            String patch = "{\"visibility\": \"team\"}";
            Reply noToken = f.send(request(f, "PATCH", "/api/v1/projects/vision", patch)
                    .header("Cookie", cookie)
                    .build());
            assertEquals(403, noToken.status(), noToken.body());
            assertTrue(noToken.message().contains("X-CSRF-Token"), noToken.message());
            Reply wrongToken = f.send(request(f, "PATCH", "/api/v1/projects/vision", patch)
                    .header("Cookie", cookie)
                    .header("X-CSRF-Token", csrf + "x")
                    .build());
            assertEquals(403, wrongToken.status());
            Reply withToken = f.send(request(f, "PATCH", "/api/v1/projects/vision", patch)
                    .header("Cookie", cookie)
                    .header("X-CSRF-Token", csrf)
                    .build());
            assertEquals(200, withToken.status(), withToken.body());
            assertEquals("team", withToken.json().get("visibility"));

            Reply bearer = f.send("owner", "PATCH", "/api/v1/projects/vision", "{\"visibility\": \"private\"}");
            assertEquals(200, bearer.status(), "a bearer key needs no CSRF token: " + bearer.body());

            Reply outWithoutToken = f.send(request(f, "DELETE", "/api/v1/session", null)
                    .header("Cookie", cookie)
                    .build());
            assertEquals(403, outWithoutToken.status(), "signing out is a write, too");
            Reply out = f.send(request(f, "DELETE", "/api/v1/session", null)
                    .header("Cookie", cookie)
                    .header("X-CSRF-Token", csrf)
                    .build());
            assertEquals(204, out.status(), out.body());
            assertTrue(
                    out.raw().headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
            assertEquals(
                    401,
                    f.send(request(f, "GET", "/api/v1/session", null)
                                    .header("Cookie", cookie)
                                    .build())
                            .status());
            assertEquals(
                    401,
                    f.send(request(f, "GET", "/api/v1/projects/vision", null)
                                    .header("Cookie", cookie)
                                    .build())
                            .status());
        }
    }

    @Test
    void signingInWithAPasswordAndWrongCredentials() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            f.accounts.setPassword("member", "correct horse battery");
            Reply ok = f.send(request(
                            f,
                            "POST",
                            "/api/v1/session",
                            "{\"user\": \"member\", \"password\": \"correct horse battery\"}")
                    .build());
            assertEquals(200, ok.status(), ok.body());
            assertEquals("member", ok.json().get("user"));

            Reply wrongPassword = f.send(request(
                            f,
                            "POST",
                            "/api/v1/session",
                            "{\"user\": \"member\", \"password\": \"wrong horse battery\"}")
                    .build());
            assertEquals(401, wrongPassword.status());
            assertEquals("wrong user name, API key or password", wrongPassword.message());
            assertTrue(wrongPassword.raw().headers().firstValue("Set-Cookie").isEmpty());

            Reply othersKey = f.send(request(
                            f,
                            "POST",
                            "/api/v1/session",
                            "{\"user\": \"member\", \"api_key\": \"" + f.keys.get("owner") + "\"}")
                    .build());
            assertEquals(401, othersKey.status(), "a key signs in only its own user");

            Reply noSecret = f.send(request(f, "POST", "/api/v1/session", "{\"user\": \"member\"}")
                    .build());
            assertEquals(400, noSecret.status());
            assertEquals("send field 'api_key' or field 'password' with 'user'", noSecret.message());

            Reply stale = f.send(request(
                            f,
                            "POST",
                            "/api/v1/session",
                            "{\"user\": \"member\", \"password\": \"correct horse battery\"}")
                    .header("Cookie", "keel_session=" + "A".repeat(43))
                    .build());
            assertEquals(200, stale.status(), "a stale cookie does not stand in the way of signing in again");
        }
    }

    @Test
    void bearerKeysAreCheckedAndRevocationTakesEffectAtOnce() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            assertEquals(200, f.send("other", "GET", "/api/v1/me", null).status());
            Reply bad = f.send(request(f, "GET", "/api/v1/me", null)
                    .header("Authorization", "Bearer keel_nope")
                    .build());
            assertEquals(401, bad.status());
            assertTrue(bad.message().startsWith("the API key is not valid"), bad.message());
            assertFalse(bad.body().contains("keel_nope"), "a presented key is never echoed");
            Reply scheme = f.send(request(f, "GET", "/api/v1/me", null)
                    .header("Authorization", "Token x")
                    .build());
            assertEquals(401, scheme.status());
            assertEquals(
                    "unsupported Authorization scheme 'Token': send 'Authorization: Bearer <API key>'",
                    scheme.message());

            String basic = Base64.getEncoder().encodeToString(("other:" + f.keys.get("other")).getBytes());
            Reply viaBasic = f.send(request(f, "GET", "/api/v1/me", null)
                    .header("Authorization", "Basic " + basic)
                    .build());
            assertEquals(200, viaBasic.status(), "MLflow clients send user and token as Basic: " + viaBasic.body());
            assertEquals("other", viaBasic.json().get("user"));

            String id = f.keys.get("other").substring(5, 17);
            Reply revoke = f.send("other", "DELETE", "/api/v1/users/other/keys/" + id, null);
            assertEquals(204, revoke.status(), revoke.body());
            assertEquals(401, f.send("other", "GET", "/api/v1/me", null).status());
        }
    }

    @Test
    void theEmbeddedServerAnswersTheSessionRoutesForItsLocalUser() {
        try (ServerFixture f = new ServerFixture(dir)) {
            var current = f.get("/api/v1/session");
            assertEquals(200, current.status(), current.body());
            assertEquals(
                    System.getProperty("user.name", "local"), current.json().get("user"));
            assertEquals("", current.json().get("csrf_token"));
            assertNull(current.raw().headers().firstValue("Set-Cookie").orElse(null));
        }
    }
}
