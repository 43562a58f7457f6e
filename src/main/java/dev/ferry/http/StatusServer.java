package dev.ferry.http;

import dev.ferry.core.DaemonStatus;
import dev.ferry.core.StatusSource;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.util.JavalinLogger;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP endpoints: {@code GET /status} answers the {@link StatusSource}'s snapshot as JSON with
 * {@code "status":"ok"} (500 with a JSON error that reveals nothing when the source fails), the liveness
 * check; {@code GET /ready} answers 200 once the snapshot says ready and 503 before, naming what is missing;
 * {@code GET /metrics} the Prometheus text a supplier renders; {@code GET /} the status page,
 * {@code GET /status/history} the samples behind its throughput, and the admin endpoints of
 * {@link AdminRoutes} (on only with a token). Javalin's banner and start-up lines are off; the server logs its
 * address at debug.
 */
public final class StatusServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
    static final String JSON = "application/json";
    private static final int MAX_THREADS = 16;

    /** Content type of the Prometheus text exposition format. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final StatusSource source;
    private final Optional<Supplier<String>> metrics;
    private final StatusHistory history;
    private final AdminAccess admin;
    private final String bindAddress;
    private final int requestedPort;
    private Javalin app;
    private int port = -1;

    /**
     * @param source      supplies the snapshot on each request
     * @param bindAddress address to listen on ("0.0.0.0" for all)
     * @param port        port to listen on, 0 for any free one (see {@link #port()} after start)
     */
    public StatusServer(StatusSource source, String bindAddress, int port) {
        this(source, Optional.empty(), bindAddress, port, StatusHistory.standard(), AdminAccess.off());
    }

    /**
     * @param source      supplies the snapshot on each request
     * @param metrics     renders GET /metrics in the Prometheus text format on each request
     * @param bindAddress address to listen on ("0.0.0.0" for all)
     * @param port        port to listen on, 0 for any free one (see {@link #port()} after start)
     */
    public StatusServer(StatusSource source, Supplier<String> metrics, String bindAddress, int port) {
        this(source, Optional.of(Objects.requireNonNull(metrics, "metrics")), bindAddress, port,
                StatusHistory.standard(), AdminAccess.off());
    }

    /**
     * @param history samples for the status page's throughput (GET /status/history)
     * @param admin   whether the admin endpoints are on, and their token
     */
    public StatusServer(StatusSource source, String bindAddress, int port, StatusHistory history, AdminAccess admin) {
        this(source, Optional.empty(), bindAddress, port, history, admin);
    }

    /** Everything: metrics (when present), the status page's history and the admin endpoints. */
    public StatusServer(StatusSource source, Optional<Supplier<String>> metrics, String bindAddress, int port,
            StatusHistory history, AdminAccess admin) {
        this.source = Objects.requireNonNull(source, "source");
        this.metrics = metrics;
        this.history = Objects.requireNonNull(history, "history");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, got " + port);
        }
        this.requestedPort = port;
    }

    /**
     * Starts listening and returns the bound port.
     *
     * @throws IllegalStateException when already started or when the address cannot be bound (the
     *                               message names address and port)
     */
    public synchronized int start() {
        if (app != null) {
            throw new IllegalStateException("http://" + bindAddress + ":" + port + ": status server already started");
        }
        // Javalin's "Listening on" and "started in" lines are INFO through this switch only: silence them.
        JavalinLogger.startupInfo = false;
        Javalin created = Javalin.create(this::configure);
        try {
            created.start(bindAddress, requestedPort);
        } catch (RuntimeException e) {
            created.stop();
            throw new IllegalStateException("http://" + bindAddress + ":" + requestedPort
                    + ": status server cannot listen: " + e.getMessage(), e);
        }
        app = created;
        port = created.port();
        log.debug("http://{}:{}: status server listening (GET /status)", bindAddress, port);
        return port;
    }

    /** The bound port once started, -1 before. */
    public synchronized int port() {
        return port;
    }

    /** Stops listening; answers in flight finish first. Does nothing when not started. */
    public synchronized void stop() {
        if (app != null) {
            app.stop();
            log.debug("http://{}:{}: status server stopped", bindAddress, port);
            app = null;
            port = -1;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void configure(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
        threads.setName("ferry-http");
        config.jetty.threadPool = threads;
        config.routes.get("/", StatusPage::serve);
        config.routes.get("/status", this::status);
        config.routes.get("/ready", this::ready);
        config.routes.get("/status/history", ctx -> ctx.header("Cache-Control", "no-store").contentType(JSON)
                .result(AdminJson.history(history)));
        new AdminRoutes(admin).register(config.routes);
        metrics.ifPresent(m -> config.routes.get("/metrics", ctx -> ctx.header("Cache-Control", "no-store")
                .contentType(PROMETHEUS_TEXT).result(m.get())));
        config.routes.exception(Exception.class, (e, ctx) -> {
            log.warn("{}: request failed", ctx.path(), e);
            answerError(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
        });
        config.routes.error(HttpStatus.NOT_FOUND, ctx -> answerError(ctx, HttpStatus.NOT_FOUND,
                "not found; try GET /status"));
    }

    private void status(Context ctx) throws Exception {
        DaemonStatus snapshot;
        try {
            snapshot = source.snapshot();
        } catch (RuntimeException e) {
            log.warn("/status: the status source failed", e);
            answerError(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "status unavailable");
            return;
        }
        ctx.header("Cache-Control", "no-store").contentType(JSON).result(StatusJson.ok(snapshot));
    }

    private void ready(Context ctx) throws Exception {
        DaemonStatus snapshot;
        try {
            snapshot = source.snapshot();
        } catch (RuntimeException e) {
            log.warn("/ready: the status source failed", e);
            answerError(ctx, HttpStatus.SERVICE_UNAVAILABLE, "status unavailable");
            return;
        }
        ctx.status(snapshot.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .header("Cache-Control", "no-store").contentType(JSON).result(StatusJson.readiness(snapshot));
    }

    static void answerError(Context ctx, HttpStatus status, String message) {
        ctx.status(status).header("Cache-Control", "no-store").contentType(JSON).result(StatusJson.error(message));
    }
}
