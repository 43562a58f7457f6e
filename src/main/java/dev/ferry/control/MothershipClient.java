package dev.ferry.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * One POST to the mothership with the JDK's HTTP client (HTTPS checks the certificate against the JVM's trust
 * store, which {@code -Djavax.net.ssl.trustStore} replaces: a certificate it refuses is said so, with that hint;
 * redirects are not followed, so the token never goes to another host). Every failure is a
 * {@link MothershipException} whose message says what happened without quoting the reply.
 */
final class MothershipClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final Optional<Secret> token;
    private final Duration timeout;
    private final HttpClient http;

    MothershipClient(URI url, Optional<Secret> token, Duration timeout) {
        this.url = url;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    URI url() {
        return url;
    }

    /** Sends the request and returns the reply's JSON (an empty body is an empty object). */
    JsonNode post(ObjectNode body) throws MothershipException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(toBytes(body)));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t.reveal()));
        HttpResponse<byte[]> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new MothershipException("no answer within " + timeout.toSeconds() + " s");
        } catch (SSLException e) {
            throw new MothershipException(tlsRefused(e));
        } catch (IOException e) {
            throw new MothershipException("unreachable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MothershipException("interrupted");
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new MothershipException("answered HTTP " + status);
        }
        byte[] bytes = response.body();
        if (bytes.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode reply = JSON.readTree(bytes);
            if (reply == null || !reply.isObject()) {
                throw new MothershipException("answered with JSON that is not an object");
            }
            return reply;
        } catch (IOException e) {
            throw new MothershipException("answered with something that is not JSON");
        }
    }

    /**
     * Why TLS with the mothership failed, saying what to do when its certificate is the reason: a self-signed one,
     * or one of a private CA, is not in the JVM's trust store.
     */
    static String tlsRefused(SSLException e) {
        boolean certificate = false;
        for (Throwable t = e; t != null && !certificate; t = t.getCause()) {
            certificate = t instanceof CertificateException || t instanceof CertPathBuilderException
                    || t instanceof CertPathValidatorException;
        }
        String detail = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()));
        return certificate
                ? "TLS refused: the mothership's certificate is not trusted (" + detail + "); add its CA to a trust "
                        + "store and start Java with -Djavax.net.ssl.trustStore=..."
                : "TLS handshake failed (" + detail + ")";
    }

    private static byte[] toBytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree cannot fail to serialize", e);
        }
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
