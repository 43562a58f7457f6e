package dev.ferry.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /}: the status page, one HTML file with its styles and script inline, served from the jar. It
 * polls /status and /status/history; with an admin token typed in, it lists recent failures. Nothing is
 * loaded from elsewhere, and the Content-Security-Policy says so to the browser.
 */
final class StatusPage {
    static final String RESOURCE = "/dev/ferry/http/status-page.html";
    private static final String POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final byte[] PAGE = load();

    private StatusPage() {
    }

    static void serve(Context ctx) {
        ctx.header("Cache-Control", "no-cache")
                .header("Content-Security-Policy", POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .contentType("text/html; charset=utf-8")
                .result(PAGE);
    }

    private static byte[] load() {
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": cannot read", e);
        }
    }
}
