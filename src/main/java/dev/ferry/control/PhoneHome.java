package dev.ferry.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.AwsKeys;
import dev.ferry.config.ControlConfig;
import dev.ferry.core.DaemonStatus.ControlStatus;
import dev.ferry.queue.Backoff;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 003's phone-home protocol: POSTs {@code state}, {@code version}, {@code info}, {@code action} and
 * {@code result} to the mothership on startup, every heartbeat period and on wakeup, and carries out its reply
 * (state, config, aws_keys, action) through a {@link ControlTarget}. One thread does it all, in order. A
 * mothership that fails (timeout, 5xx, garbage, unreachable) never changes the state: uploads go on in state
 * {@code configured}; the request is retried with backoff and the failure shown in /status.
 */
public final class PhoneHome implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PhoneHome.class);
    /** The one state in which uploads run while a mothership is configured. */
    public static final String CONFIGURED = "configured";
    /** A reply's action may ask for another request (report, error): at most this many follow each trigger. */
    private static final int MAX_FOLLOW_UPS = 3;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration UPGRADE_LIMIT = Duration.ofMinutes(15);

    private final ControlConfig config;
    private final ControlTarget target;
    private final MothershipClient client;
    private final ContextFile context;
    private final Clock clock;
    private final Backoff backoff;
    private final String version;
    private final String hostname = HostInfo.hostname();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "control");
        t.setDaemon(true);
        return t;
    });

    private volatile Optional<String> state = Optional.empty();
    private volatile Optional<Instant> lastContact = Optional.empty();
    private volatile Optional<String> lastError = Optional.empty();
    private volatile int failures;
    private Counts reported = Counts.of(0, 0);
    private ScheduledFuture<?> heartbeat;
    private Duration heartbeatPeriod;
    private ScheduledFuture<?> retry;
    private String retryAction;

    /** With the standard timeout (30 s) and backoff (1 s doubling to 5 minutes, with jitter). */
    public PhoneHome(ControlConfig config, ControlTarget target, String version, Clock clock) {
        this(config, target, version, clock, DEFAULT_TIMEOUT, Backoff.standard());
    }

    PhoneHome(ControlConfig config, ControlTarget target, String version, Clock clock, Duration timeout,
            Backoff backoff) {
        this.config = config;
        this.target = target;
        this.client = new MothershipClient(config.url(), config.token(), timeout);
        this.context = new ContextFile(config.contextFile());
        this.clock = clock;
        this.backoff = backoff;
        this.version = version;
    }

    /**
     * Reads the state kept in the context file and sets uploads by it (not {@code configured}, or none yet: they
     * wait). Called before any site starts.
     */
    public void applyKeptState() {
        state = context.state();
        gate();
    }

    /**
     * The configuration the mothership sent that last applied, as kept in the context file: the daemon applies it
     * at start, before any site starts, so a restart runs the mothership's policies whether it answers or not.
     */
    public static Optional<ObjectNode> keptConfig(ControlConfig config) {
        return new ContextFile(config.contextFile()).config();
    }

    /** Phones home with action startup, then every heartbeat period. */
    public void start() {
        log.info("{}: control plane on; state {} ({}), kept in {}", client.url(), state.orElse("none"),
                uploading() ? "uploads run" : "uploads wait for state " + CONFIGURED, context.path());
        heartbeatEvery(config.heartbeatPeriod()); // first: a failed startup can say when the heartbeat comes
        thread.execute(() -> send("startup", counts(), 0));
    }

    /** Phones home with action wakeup (after the daemon swept every site). */
    public void wakeup() {
        thread.execute(() -> send("wakeup", counts(), 0));
    }

    /** A new heartbeat period (from a configuration the mothership sent), from now on. */
    public void heartbeatEvery(Duration period) {
        thread.execute(() -> {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            heartbeatPeriod = period;
            heartbeat = thread.scheduleWithFixedDelay(() -> send("heartbeat", counts(), 0), period.toMillis(),
                    period.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    public ControlStatus status() {
        return new ControlStatus(client.url().toString(), state.orElse("none"), uploading(), lastContact, lastError,
                failures);
    }

    private boolean uploading() {
        return state.filter(CONFIGURED::equals).isPresent();
    }

    private void gate() {
        target.uploads(uploading(), state.map(s -> "the mothership's state is " + printable(s)
                + (CONFIGURED.equals(s) ? "" : ", not " + CONFIGURED)).orElse("waiting for the mothership's state"));
    }

    private JsonNode counts() {
        Counts now = target.counts();
        Counts since = now.since(reported);
        reported = now;
        return MothershipClient.JSON.valueToTree(since);
    }

    /** On the control thread: one request, then what its reply asks. */
    private void send(String action, JsonNode result, int followUps) {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        state.ifPresent(s -> request.put("state", s));
        request.put("version", version);
        request.set("info", action.equals("startup") ? HostInfo.full(hostname) : HostInfo.brief(hostname));
        request.put("action", action);
        request.set("result", result);
        Reply reply;
        try {
            reply = Reply.of(client.post(request));
        } catch (MothershipException | IllegalArgumentException e) {
            failed(action, result, followUps, e.getMessage());
            return;
        }
        lastContact = Optional.of(clock.instant());
        if (failures > 0) {
            log.info("{}: the mothership answered again ({}) after {} failed request(s)", client.url(), action, failures);
        }
        if (!"error".equals(action)) {
            lastError = Optional.empty(); // an error report's answer leaves the error it reported in /status
        }
        failures = 0;
        if (retry != null && !"startup".equals(retryAction)) {
            retry.cancel(false); // the mothership has fresher news than the failed request carried
            retry = null;
        }
        log.debug("{}: {} answered: {}", client.url(), action, reply);
        handle(reply, action, followUps);
    }

    private void failed(String action, JsonNode result, int followUps, String why) {
        failures++;
        lastError = Optional.of(why);
        if (retry == null || retry.isDone()) {
            Duration delay = backoff.delay(failures);
            retryAction = action;
            retry = thread.schedule(() -> {
                retry = null; // running: a failure of this request schedules the next retry
                send(action, result, followUps);
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
        // the heartbeat goes at its time whatever the backoff: the next request is whichever comes first
        Duration next = Duration.ofMillis(Math.max(0, retry.getDelay(TimeUnit.MILLISECONDS)));
        String which = "a retry of " + retryAction;
        if (heartbeat != null) {
            Duration beat = "heartbeat".equals(action) ? heartbeatPeriod // this run: the next one is a period away
                    : Duration.ofMillis(Math.max(0, heartbeat.getDelay(TimeUnit.MILLISECONDS)));
            if (beat.compareTo(next) < 0) {
                next = beat;
                which = "the heartbeat";
            }
        }
        log.warn("{}: phone home ({}) failed: {}; uploads {} (state {}); next request in {} ({})", client.url(),
                action, why, uploading() ? "go on" : "still wait", state.orElse("none"), dev.ferry.core.Durations.text(next), which);
    }

    private void handle(Reply reply, String answered, int followUps) {
        List<String> errors = new ArrayList<>();
        // keys and config before the state: sites restarted with new keys (or a new configuration) run their
        // start-up check against S3 while uploads still wait; the other way round every file fails first
        // (no credentials) and, recorded as failed, is uploaded again without asking S3
        boolean keysWritten = reply.awsKeys().map(node -> writeKeys(node, errors)).orElse(false);
        boolean configApplied = false;
        if (reply.config().isPresent()) {
            Optional<String> rejected = target.applyConfig(reply.config().get());
            rejected.ifPresent(why -> errors.add("config rejected, the last good one keeps running: " + why));
            configApplied = rejected.isEmpty(); // applying it read the keys file again
            if (configApplied) {
                context.writeConfig(target.keptConfig()); // the next start runs it before any upload
            }
        }
        if (keysWritten && !configApplied) {
            target.keysChanged().ifPresent(why -> errors.add("aws_keys written but not applied: " + why));
        }
        reply.state().ifPresent(s -> {
            if (!state.equals(Optional.of(s))) {
                log.info("{}: state {} -> {}: uploads {}", client.url(), state.orElse("none"), s,
                        CONFIGURED.equals(s) ? "run" : "wait");
                state = Optional.of(s);
                context.writeState(s);
            }
            gate();
        });
        JsonNode result = null;
        String echo = null;
        if (reply.action().isPresent()) {
            String action = reply.action().get();
            switch (action) {
                case "report" -> result = target.report();
                case "upgrade" -> {
                    Optional<String> refused = upgrade();
                    if (refused.isPresent()) {
                        errors.add(refused.get());
                    } else {
                        result = JsonNodeFactory.instance.objectNode().put("exitCode", 0);
                    }
                }
                case "wakeup", "upload" -> {
                    target.sweepNow("the mothership's " + action + " action");
                    result = counts();
                }
                case "customizers" -> errors.add("customizers refused: they are code sent to run here, which Ferry "
                        + "never runs; keys are data (input_file_pattern, input_remove_prefix, output_key_prefix)");
                default -> errors.add("unknown action '" + printable(action) + "'; known: report, upgrade, wakeup");
            }
            echo = errors.isEmpty() ? action : null;
        }
        if (!errors.isEmpty()) {
            lastError = Optional.of(String.join("; ", errors));
        }
        if ("error".equals(answered)) {
            // the answer to an error report (a mothership that sends the same bad config in every reply): the
            // error was logged with the reply before it
            errors.forEach(e -> log.debug("{}: again: {}", client.url(), e));
        } else {
            errors.forEach(e -> log.warn("{}: {}", client.url(), e));
        }
        if (followUps >= MAX_FOLLOW_UPS) {
            if (!errors.isEmpty() || echo != null) {
                log.warn("{}: not answering again: {} requests already followed this one", client.url(), followUps);
            }
        } else if (!errors.isEmpty() && "error".equals(answered)) {
            // the answer to an error report failed too (a mothership that sends the same bad config in every
            // reply): logged, not reported again, so each trigger costs at most one error report
            log.debug("{}: not reporting an error about the answer to an error report", client.url());
        } else if (!errors.isEmpty()) {
            send("error", JsonNodeFactory.instance.objectNode().put("error", String.join("; ", errors)), followUps + 1);
        } else if (echo != null) {
            send(echo, result, followUps + 1);
        }
        if ("upgrade".equals(echo)) {
            log.info("{}: upgraded; stopping so the service manager starts the new version", client.url());
            target.exitForRestart();
        }
    }

    /**
     * Writes the keys to the keys file; true when written (the sites must start again with them), else false:
     * keys equal to those of the file change nothing, and a failure adds its reason to {@code errors}. Never shows
     * the keys.
     */
    private boolean writeKeys(JsonNode node, List<String> errors) {
        AwsKeys keys;
        try {
            keys = AwsKeys.of(node);
        } catch (IllegalArgumentException e) {
            errors.add("aws_keys rejected: " + e.getMessage());
            return false;
        }
        if (inUse().equals(Optional.of(keys))) {
            log.debug("{}: aws_keys are those of {} already: nothing to do", client.url(), config.awsKeysFile());
            return false;
        }
        try {
            KeysFile.write(config.awsKeysFile(), keys);
        } catch (IOException e) {
            errors.add("aws_keys could not be written to " + config.awsKeysFile() + " ("
                    + e.getClass().getSimpleName() + ")");
            return false;
        }
        log.info("{}: new AWS keys written to {}; the sites start again with them", client.url(), config.awsKeysFile());
        return true;
    }

    /** The keys of the keys file (the ones the sites run with), empty when there is none or it cannot be read. */
    private Optional<AwsKeys> inUse() {
        try {
            return AwsKeys.read(config.awsKeysFile());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Optional<String> upgrade() {
        if (config.upgradeCommand().isEmpty()) {
            return Optional.of("upgrade refused: no upgrade_command in the local configuration (the mothership "
                    + "cannot send one)");
        }
        log.info("{}: upgrade asked; running upgrade_command", client.url());
        int code = UpgradeCommand.run(config.upgradeCommand().get(), UPGRADE_LIMIT);
        return code == 0 ? Optional.empty() : Optional.of("upgrade_command failed (exit code " + code
                + "); still running this version");
    }

    private static String printable(String text) {
        String t = text.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 64 ? t.substring(0, 64) + "..." : t;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
