package dev.keel.server.ui;

import dev.keel.core.KeelException;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Response;
import dev.keel.server.http.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's pages and static files. Every page address serves the same HTML shell; the
 * page's ES module reads the address and fetches its data from the API, so a page carries no
 * data and needs no access rule of its own (the API checks every read). Files come from the
 * classpath: ours under {@code dev/keel/server/ui/static/}, third-party ones from WebJars.
 */
final class UiPages {
    static final String STATIC = "dev/keel/server/ui/static/";
    static final String WEBJARS = "META-INF/resources/webjars/";
    /** No inline script or style anywhere: what the page runs is only what it loaded from here. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
            + "form-action 'self'";

    private static final Map<String, String> TYPES = Map.of(
            "js",
            "text/javascript",
            "css",
            "text/css",
            "html",
            "text/html",
            "svg",
            "image/svg+xml",
            "png",
            "image/png",
            "ico",
            "image/x-icon",
            "json",
            "application/json",
            "map",
            "application/json");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
    private final String uplotVersion = webjarVersion("org.webjars.npm", "uplot");

    void register(Router router) {
        String[] pages = {
            "/",
            "/projects/{project}",
            "/runs/{id}",
            "/sweeps/{sweep}",
            "/compare",
            "/datasets",
            "/datasets/{name}",
            "/models",
            "/models/{model}",
            "/login"
        };
        for (String page : pages) {
            router.get(
                    page, Access.anyone(), "Dashboard page (HTML shell; data comes from the API)", request -> shell());
        }
        router.get(
                "/ui/{path*}",
                Access.anyone(),
                "Dashboard scripts and styles",
                request -> file(STATIC + safe(request.param("path")), "no-cache"));
        router.get(
                "/vendor/uplot.js",
                Access.anyone(),
                "uPlot (WebJar), as an ES module",
                request -> file(WEBJARS + "uplot/" + uplotVersion + "/dist/uPlot.esm.js", "max-age=86400"));
        router.get(
                "/vendor/uplot.css",
                Access.anyone(),
                "uPlot's stylesheet (WebJar)",
                request -> file(WEBJARS + "uplot/" + uplotVersion + "/dist/uPlot.min.css", "max-age=86400"));
    }

    private Response shell() {
        return file(STATIC + "index.html", "no-cache")
                .header("Content-Security-Policy", CSP)
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "same-origin");
    }

    private Response file(String resource, String cacheControl) {
        byte[] bytes = cache.computeIfAbsent(resource, UiPages::load);
        if (bytes.length == 0) {
            throw KeelException.notFound("no dashboard file " + resource.substring(resource.lastIndexOf('/') + 1));
        }
        String ext = resource.substring(resource.lastIndexOf('.') + 1);
        return Response.bytes(200, TYPES.getOrDefault(ext, "application/octet-stream"), bytes)
                .header("Cache-Control", cacheControl);
    }

    private static byte[] load(String resource) {
        try (InputStream in = UiPages.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A relative path inside the static folder: no climbing out, no odd characters. */
    static String safe(String path) {
        if (!path.matches("[A-Za-z0-9._/-]{1,200}") || path.contains("..") || path.startsWith("/")) {
            throw KeelException.notFound("no dashboard file " + path);
        }
        return path;
    }

    static String webjarVersion(String group, String artifact) {
        String res = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = UiPages.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalStateException("the " + artifact + " WebJar is missing from the classpath");
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
