package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.UrlCredentials;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/** Talks to a running daemon's HTTP endpoints; every failure becomes a {@link ClientException} a person reads. */
final class DaemonClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    /** {@link #base} as messages show it: a password in its user information masked. */
    private final String shown;
    private final Optional<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    DaemonClient(URI base, Optional<String> token) {
        this.base = base;
        this.shown = UrlCredentials.maskUrl(base.toString());
        this.token = token.filter(t -> !t.isBlank());
    }

    /** The daemon's address as it may be shown: a password in it masked. */
    String shownBase() {
        return shown;
    }

    JsonNode get(String pathAndQuery) throws ClientException {
        return send("GET", pathAndQuery);
    }

    JsonNode post(String pathAndQuery) throws ClientException {
        return send("POST", pathAndQuery);
    }

    private JsonNode send(String method, String pathAndQuery) throws ClientException {
        URI uri = base.resolve(pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Accept", "application/json");
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new ClientException("cannot reach the Ferry daemon at " + shown + " (" + describe(e)
                    + "); is it running? Point --url at it (default http://127.0.0.1:$PORT)");
        } catch (HttpTimeoutException e) {
            throw new ClientException("the Ferry daemon at " + shown + " did not answer within "
                    + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new ClientException("cannot talk to the Ferry daemon at " + shown + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("interrupted");
        }
        JsonNode body = parse(response.body());
        int code = response.statusCode();
        if (code == 401) {
            throw new ClientException(token.isEmpty()
                    ? "the daemon needs its admin token: give it with --token or the environment variable ADMIN_TOKEN"
                    : "the daemon refused the admin token (HTTP 401): check --token or ADMIN_TOKEN against its "
                            + "admin_token");
        }
        if (code < 200 || code > 299) {
            String error = body.path("error").asText("");
            throw new ClientException(method + " " + uri.getPath() + ": HTTP " + code
                    + (error.isEmpty() ? "" : ": " + error));
        }
        if (body.isMissingNode()) {
            throw new ClientException(method + " " + uri.getPath() + ": the answer is not JSON; is " + shown
                    + " a Ferry daemon?");
        }
        return body;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.missingNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : UrlCredentials.mask(m);
    }
}
