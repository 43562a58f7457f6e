package dev.ferry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.util.JavalinLogger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A mothership of seed 003's protocol for tests: Javalin on loopback (plain HTTP, or HTTPS only with
 * {@link #startTls}) that records every request
 * (body and Authorization header) and answers from a script: each scripted answer once, in order, then
 * {@code {}}. An answer can be a status, a body (JSON or garbage) and a delay (to make the client time out).
 */
public final class Mothership implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One received request. */
    public record Request(JsonNode body, Optional<String> authorization) {
        public String action() {
            return body.path("action").asText();
        }
    }

    /** One scripted answer. */
    public record Answer(int status, String body, Duration delay) {
        public static Answer json(String body) {
            return new Answer(200, body, Duration.ZERO);
        }
    }

    private final Javalin app;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Request> arrivals = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final String path;

    private Mothership(String path, Optional<Tls> tls) {
        this.path = path;
        JavalinLogger.startupInfo = false;
        this.app = Javalin.create(config -> {
            tls.ifPresent(t -> config.jetty.addConnector((server, http) -> {
                // the only connector: Javalin adds its plain one only when none was given
                SslContextFactory.Server context = new SslContextFactory.Server();
                context.setKeyStorePath(t.keystore().toString());
                context.setKeyStorePassword(t.password());
                context.setKeyStoreType("PKCS12");
                ServerConnector connector = new ServerConnector(server, context, new HttpConnectionFactory(http));
                connector.setHost("127.0.0.1");
                connector.setPort(0);
                return connector;
            }));
            routes(config, path);
        });
        app.start("127.0.0.1", 0);
    }

    /** A PKCS12 key store holding the server's key and certificate, and its password. */
    public record Tls(Path keystore, String password) {
    }

    private void routes(io.javalin.config.JavalinConfig config, String path) {
        config.routes.post(path, ctx -> {
            Request r = new Request(JSON.readTree(ctx.bodyAsBytes()), Optional.ofNullable(ctx.header("Authorization")));
            Answer a = script.poll(); // before the request is seen: an answer scripted after it is for the next one
            if (a == null) {
                a = Answer.json("{}");
            }
            requests.add(r);
            arrivals.add(r);
            if (!a.delay().isZero()) {
                Thread.sleep(a.delay().toMillis()); // the server is slow on purpose: the client must time out
            }
            ctx.status(a.status()).contentType("application/json").result(a.body());
        });
    }

    public static Mothership start(String path) {
        return new Mothership(path, Optional.empty());
    }

    /** The same over HTTPS only, with the key and certificate of {@code tls}. */
    public static Mothership startTls(String path, Tls tls) {
        return new Mothership(path, Optional.of(tls));
    }

    public int port() {
        return app.port();
    }

    public String path() {
        return path;
    }

    /** Answers the next requests with these, in order. */
    public Mothership then(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    public Mothership thenJson(String... bodies) {
        for (String b : bodies) {
            script.add(Answer.json(b));
        }
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The next request to arrive (in arrival order), waiting at most {@code limit}. */
    public Request next(Duration limit) {
        try {
            Request r = arrivals.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new AssertionError("no request reached the mothership within " + limit);
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The next request with this action, skipping others. */
    public Request next(String action, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            Request r = next(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
            if (r.action().equals(action)) {
                return r;
            }
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
