package dev.ferry.http;

import dev.ferry.core.AdminOperations;
import dev.ferry.core.FileStatus;
import dev.ferry.core.StateStoreException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoints. Each one needs {@code Authorization: Bearer <admin_token>} (401 with
 * {@code WWW-Authenticate: Bearer} otherwise); when no token is configured they all answer 403 saying how
 * to turn them on. A token in the query string is refused (400) whether it is right or not: a URL ends up in
 * logs, proxies and browser history. Refusals are logged through {@link RefusalLog}, a line a minute at most.
 * /status, /status/history and the status page stay public.
 */
final class AdminRoutes {
    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
    static final String OFF_MESSAGE = "the admin API is off; set admin_token (environment ADMIN_TOKEN, option "
            + "--admin-token) to turn it on";
    static final int MAX_LIMIT = 1000;
    static final String TOKEN_IN_URL_MESSAGE = "the admin token must not be sent in the URL, where logs, proxies "
            + "and browser history keep it: send the header Authorization: Bearer <admin_token> (and if this was "
            + "the real token, replace it)";
    /** Query parameters (in any case) that carry a token in the APIs people copy from. */
    private static final Set<String> TOKEN_PARAMETERS = Set.of("token", "access_token", "admin_token", "admintoken",
            "bearer", "authorization", "api_key", "apikey");

    private final AdminAccess access;
    private final RefusalLog refusals;

    AdminRoutes(AdminAccess access, RefusalLog refusals) {
        this.access = access;
        this.refusals = refusals;
    }

    void register(JavalinDefaultRoutingApi routes) {
        routes.post("/wakeup", guarded(this::wakeup));
        routes.get("/files", guarded(this::files));
        routes.get("/fleet", guarded(this::fleet));
        routes.post("/files/retry", guarded(this::retry));
        routes.post("/pause", guarded(this::pause));
        routes.post("/resume", guarded(this::resume));
        routes.put("/log-level", guarded(this::logLevel));
    }

    private interface AdminHandler {
        void handle(Context ctx, AdminOperations ops) throws Exception;
    }

    private Handler guarded(AdminHandler handler) {
        return ctx -> {
            ctx.header("Cache-Control", "no-store");
            Optional<AdminOperations> ops = access.operations();
            if (ops.isEmpty()) {
                StatusServer.answerError(ctx, HttpStatus.FORBIDDEN, OFF_MESSAGE);
                return;
            }
            if (tokenInQuery(ctx)) {
                refusals.refused(ctx.method() + " " + ctx.path(), ctx.ip(), "token in the query string");
                StatusServer.answerError(ctx, HttpStatus.BAD_REQUEST, TOKEN_IN_URL_MESSAGE);
                return;
            }
            if (!access.accepts(ctx.header("Authorization"))) {
                refusals.refused(ctx.method() + " " + ctx.path(), ctx.ip(),
                        ctx.header("Authorization") == null ? "no token" : "wrong token");
                ctx.header("WWW-Authenticate", "Bearer realm=\"ferry\"");
                StatusServer.answerError(ctx, HttpStatus.UNAUTHORIZED,
                        "a valid admin token is required: Authorization: Bearer <admin_token>");
                return;
            }
            try {
                handler.handle(ctx, ops.get());
            } catch (StateStoreException e) {
                log.warn("{} {}: state store unavailable: {}", ctx.method(), ctx.path(), e.getMessage());
                StatusServer.answerError(ctx, HttpStatus.SERVICE_UNAVAILABLE,
                        "state store unavailable: " + e.getMessage());
            } catch (BadRequest e) {
                StatusServer.answerError(ctx, HttpStatus.BAD_REQUEST, e.getMessage());
            }
        };
    }

    private static boolean tokenInQuery(Context ctx) {
        return ctx.queryParamMap().keySet().stream()
                .anyMatch(name -> TOKEN_PARAMETERS.contains(name.toLowerCase(Locale.ROOT)));
    }

    private void wakeup(Context ctx, AdminOperations ops) {
        log.info("admin API: wakeup from {}: full sweep requested", ctx.ip());
        ops.wakeup();
        answer(ctx, HttpStatus.ACCEPTED, Map.of("sweep", "requested"));
    }

    private void files(Context ctx, AdminOperations ops) {
        FileStatus status = fileStatus(Optional.ofNullable(ctx.queryParam("status")).orElse("failed"));
        int offset = number(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = number(ctx, "limit", 100, 1, MAX_LIMIT);
        ctx.contentType(StatusServer.JSON).result(AdminJson.files(status.name().toLowerCase(Locale.ROOT),
                ops.listFiles(status, offset, limit)));
    }

    private void fleet(Context ctx, AdminOperations ops) {
        ctx.contentType(StatusServer.JSON).result(AdminJson.fleet(ops.fleet()));
    }

    private void retry(Context ctx, AdminOperations ops) {
        Optional<String> path = Optional.ofNullable(ctx.queryParam("path")).filter(p -> !p.isBlank());
        AdminOperations.RetryAnswer retry = ops.retry(path);
        log.info("admin API: retry {} from {}: {} files due now, {} cannot be retried",
                path.orElse("of every failed file"), ctx.ip(), retry.retrying(), retry.notRetried().size());
        List<Map<String, String>> notRetried = retry.notRetried().stream()
                .map(n -> Map.of("path", n.path(), "reason", n.reason())).toList();
        answer(ctx, HttpStatus.OK, Map.of("retrying", retry.retrying(), "notRetried", notRetried));
    }

    private void pause(Context ctx, AdminOperations ops) {
        ops.pause();
        answer(ctx, HttpStatus.OK, Map.of("paused", true));
    }

    private void resume(Context ctx, AdminOperations ops) {
        Optional<String> refused = ops.resume();
        if (refused.isPresent()) {
            log.info("admin API: resume from {} refused: {}", ctx.ip(), refused.get());
            answer(ctx, HttpStatus.CONFLICT, Map.of("paused", true, "error", "uploads not resumed: " + refused.get()));
            return;
        }
        answer(ctx, HttpStatus.OK, Map.of("paused", false));
    }

    private void logLevel(Context ctx, AdminOperations ops) {
        String level = Optional.ofNullable(ctx.queryParam("level")).orElseGet(() -> levelFromBody(ctx.body()));
        if (level.isBlank()) {
            throw new BadRequest("give the level: PUT /log-level?level=debug (or level=debug as the body)");
        }
        String previous;
        try {
            previous = ops.setLogLevel(level);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("level must be trace, debug, info, warn or error");
        }
        String now = level.strip().toLowerCase(Locale.ROOT);
        log.info("admin API: log level {} (was {}) from {}", now, previous, ctx.ip());
        answer(ctx, HttpStatus.OK, Map.of("level", now, "previous", previous));
    }

    /** {@code level=debug}, {@code {"level":"debug"}} or just {@code debug}. */
    private static String levelFromBody(String body) {
        String text = body == null ? "" : body.strip();
        if (text.startsWith("{")) {
            try {
                return StatusJson.MAPPER.readTree(text).path("level").asText("");
            } catch (java.io.IOException e) {
                throw new BadRequest("the body is not valid JSON; send level=debug");
            }
        }
        if (text.startsWith("level=")) {
            return java.net.URLDecoder.decode(text.substring("level=".length()), java.nio.charset.StandardCharsets.UTF_8);
        }
        return text;
    }

    private static FileStatus fileStatus(String text) {
        try {
            return FileStatus.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRequest("status must be pending, uploading, uploaded, failed or ignored");
        }
    }

    private static int number(Context ctx, String name, int fallback, int min, int max) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequest(name + " must be a whole number from " + min + " to " + max);
    }

    private static void answer(Context ctx, HttpStatus status, Map<String, ?> fields) {
        ctx.status(status).contentType(StatusServer.JSON).result(AdminJson.ok(fields));
    }

    /** A request the client can fix; its message is fixed text plus the parameter's name. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
