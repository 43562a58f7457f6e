package dev.ferry.http;

import dev.ferry.core.DaemonStatus;
import dev.ferry.core.StatusSource;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.util.JavalinLogger;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
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
 * address at debug. Connections, idle time, request heads and bodies are bounded by {@link HttpLimits}, enforced
 * by Jetty and by a {@link ConnectionGuard}, so that no client, however many or slow, uses up the daemon's file
 * descriptors or memory, or keeps /status from answering.
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
    private final HttpLimits limits;
    private final Clock clock;
    private final RefusalLog refusals;
    private Javalin app;
    private ConnectionGuard guard;
    private ScheduledExecutorService guardTimer;
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
        this(source, metrics, bindAddress, port, history, admin, HttpLimits.standard(), Clock.systemUTC());
    }

    /** Everything, with the limits of each connection and the clock their timeouts are measured with. */
    StatusServer(StatusSource source, Optional<Supplier<String>> metrics, String bindAddress, int port,
            StatusHistory history, AdminAccess admin, HttpLimits limits, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refusals = new RefusalLog(clock);
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
        ConnectionGuard connections = new ConnectionGuard(limits, clock);
        Javalin created = Javalin.create(config -> configure(config, connections));
        try {
            created.start(bindAddress, requestedPort);
        } catch (RuntimeException e) {
            created.stop();
            throw new IllegalStateException("http://" + bindAddress + ":" + requestedPort
                    + ": status server cannot listen: " + e.getMessage(), e);
        }
        app = created;
        port = created.port();
        guard = connections;
        guard.address("http://" + bindAddress + ":" + port);
        guardTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferry-http-guard");
            t.setDaemon(true);
            return t;
        });
        guardTimer.scheduleWithFixedDelay(this::everySecond, 1, 1, TimeUnit.SECONDS);
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
            guardTimer.shutdownNow();
            app.stop();
            refusals.flushNow();
            log.debug("http://{}:{}: status server stopped", bindAddress, port);
            app = null;
            guard = null;
            port = -1;
        }
    }

    /** Connections open now (0 when stopped). */
    synchronized int openConnections() {
        return guard == null ? 0 : guard.openConnections();
    }

    /** Closes connections too slow to send a request; reports refused admin requests counted meanwhile. */
    private void everySecond() {
        try {
            refusals.flush();
            ConnectionGuard current;
            synchronized (this) {
                current = guard;
            }
            if (current != null) {
                current.check();
            }
        } catch (RuntimeException e) {
            log.debug("http://{}:{}: connection check failed: {}", bindAddress, port, e.toString());
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void configure(JavalinConfig config, ConnectionGuard connections) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
        threads.setName("ferry-http");
        config.jetty.threadPool = threads;
        config.http.maxRequestSize = limits.maxBodyBytes();
        config.jetty.modifyHttpConfiguration(http -> {
            http.setRequestHeaderSize(limits.maxHeaderBytes());
            http.setSendServerVersion(false);
        });
        config.jetty.addConnector((server, http) -> connector(server, http, connections));
        config.routes.get("/", StatusPage::serve);
        config.routes.get("/status", this::status);
        config.routes.get("/ready", this::ready);
        // seed 002 (s3sync-service) probes: /healthz is liveness like /status, /info its start-up summary
        config.routes.get("/healthz", ctx -> ctx.header("Cache-Control", "no-store").contentType(JSON)
                .result(StatusJson.healthz()));
        config.routes.get("/info", this::info);
        config.routes.get("/status/history", ctx -> ctx.header("Cache-Control", "no-store").contentType(JSON)
                .result(AdminJson.history(history)));
        new AdminRoutes(admin, refusals).register(config.routes);
        metrics.ifPresent(m -> config.routes.get("/metrics", ctx -> ctx.header("Cache-Control", "no-store")
                .contentType(PROMETHEUS_TEXT).result(m.get())));
        config.routes.exception(Exception.class, (e, ctx) -> {
            log.warn("{}: request failed", ctx.path(), e);
            answerError(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
        });
        config.routes.error(HttpStatus.NOT_FOUND, ctx -> answerError(ctx, HttpStatus.NOT_FOUND,
                "not found; try GET /status"));
    }

    /**
     * One acceptor and one selector (a status port needs no more), the idle timeout, the guard as a listener of
     * every connection, and Jetty's {@link NetworkConnectionLimit} as the ceiling should the guard find nothing
     * it may close.
     */
    private ServerConnector connector(Server server, HttpConfiguration http, ConnectionGuard connections) {
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(bindAddress);
        connector.setPort(requestedPort);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.addEventListener(connections);
        server.addBean(new NetworkConnectionLimit(limits.acceptLimit(), connector));
        return connector;
    }

    private void status(Context ctx) throws Exception {
        Optional<DaemonStatus> snapshot = snapshot(ctx, "/status", HttpStatus.INTERNAL_SERVER_ERROR);
        if (snapshot.isPresent()) {
            ctx.header("Cache-Control", "no-store").contentType(JSON).result(StatusJson.ok(snapshot.get()));
        }
    }

    private void ready(Context ctx) throws Exception {
        Optional<DaemonStatus> snapshot = snapshot(ctx, "/ready", HttpStatus.SERVICE_UNAVAILABLE);
        if (snapshot.isPresent()) {
            ctx.status(snapshot.get().ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                    .header("Cache-Control", "no-store").contentType(JSON).result(StatusJson.readiness(snapshot.get()));
        }
    }

    private void info(Context ctx) throws Exception {
        Optional<DaemonStatus> snapshot = snapshot(ctx, "/info", HttpStatus.INTERNAL_SERVER_ERROR);
        if (snapshot.isPresent()) {
            ctx.header("Cache-Control", "no-store").contentType(JSON).result(StatusJson.info(snapshot.get()));
        }
    }

    /** The status now; when its source fails, the request is answered with {@code failure} and empty is returned. */
    private Optional<DaemonStatus> snapshot(Context ctx, String path, HttpStatus failure) {
        try {
            return Optional.of(source.snapshot());
        } catch (RuntimeException e) {
            log.warn("{}: the status source failed", path, e);
            answerError(ctx, failure, "status unavailable");
            return Optional.empty();
        }
    }

    static void answerError(Context ctx, HttpStatus status, String message) {
        ctx.status(status).header("Cache-Control", "no-store").contentType(JSON).result(StatusJson.error(message));
    }
}
