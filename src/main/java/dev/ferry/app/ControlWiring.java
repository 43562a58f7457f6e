package dev.ferry.app;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.ConfigException;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.SiteConfig;
import dev.ferry.control.ControlTarget;
import dev.ferry.control.Counts;
import dev.ferry.core.DaemonStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon as the control plane sees it: a configuration from the mothership is read again with the local
 * file (validated the same way) and applied by stopping and starting the sites that changed; new keys in the
 * keys file are applied the same way. Global settings other than the sites and the heartbeat take a restart.
 */
final class ControlWiring implements ControlTarget {
    private static final Logger log = LoggerFactory.getLogger(ControlWiring.class);

    private final Daemon daemon;
    private final Function<ObjectNode, FerryConfig> reload;
    private final Runnable exit;
    private final Consumer<java.time.Duration> heartbeat;
    private final Map<String, SiteConfig> running = new LinkedHashMap<>();
    private FerryConfig effective;
    /** Everything the mothership sent so far that was valid, merged: the next config merges over it. */
    private ObjectNode lastGood = JsonNodeFactory.instance.objectNode();

    /**
     * @param kept the mothership's configuration kept from the last run, which {@code config} was read with
     *             (empty object: none)
     */
    ControlWiring(Daemon daemon, FerryConfig config, ObjectNode kept, Function<ObjectNode, FerryConfig> reload,
            Consumer<java.time.Duration> heartbeat, Runnable exit) {
        this.daemon = daemon;
        this.lastGood = kept.deepCopy();
        this.effective = config;
        this.reload = reload;
        this.heartbeat = heartbeat;
        this.exit = exit;
        config.sites().forEach(s -> running.put(s.name(), s));
    }

    @Override
    public void uploads(boolean run, String why) {
        daemon.uploads(run, why);
    }

    @Override
    public synchronized Optional<String> applyConfig(ObjectNode config) {
        ObjectNode merged = lastGood.deepCopy();
        merged.setAll(config);
        Optional<String> problem = apply(merged);
        if (problem.isEmpty()) {
            lastGood = merged;
        }
        return problem;
    }

    @Override
    public synchronized Optional<ObjectNode> keptConfig() {
        Optional<String> secret = secretIn(lastGood);
        if (secret.isPresent()) {
            log.warn("the mothership's configuration is not kept for the next start: it holds a secret ({}), which "
                    + "is written nowhere but the keys file; after a restart the local file's runs until the "
                    + "mothership sends it again", secret.get());
            return Optional.empty();
        }
        return Optional.of(lastGood.deepCopy());
    }

    /** The name of the first secret setting in {@code node} (at any depth: a site's secret key), if any. */
    static Optional<String> secretIn(com.fasterxml.jackson.databind.JsonNode node) {
        for (var it = node.fields(); it.hasNext();) {
            var field = it.next();
            if (SECRETS.contains(field.getKey())) {
                return Optional.of(field.getKey());
            }
            Optional<String> inner = secretIn(field.getValue());
            if (inner.isPresent()) {
                return inner;
            }
        }
        for (com.fasterxml.jackson.databind.JsonNode element : node.isArray() ? node : JsonNodeFactory.instance.arrayNode()) {
            Optional<String> inner = secretIn(element);
            if (inner.isPresent()) {
                return inner;
            }
        }
        return Optional.empty();
    }

    private static final java.util.Set<String> SECRETS = java.util.stream.Stream.concat(
            java.util.Arrays.stream(dev.ferry.config.ConfigKey.values()).filter(dev.ferry.config.ConfigKey::secret)
                    .map(dev.ferry.config.ConfigKey::yamlName),
            java.util.stream.Stream.of("secret_access_key", "session_token", "secretAccessKey", "sessionToken"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    @Override
    public synchronized Optional<String> keysChanged() {
        return apply(lastGood);
    }

    private Optional<String> apply(ObjectNode overlay) {
        FerryConfig next;
        try {
            next = reload.apply(overlay);
        } catch (ConfigException e) {
            return Optional.of(String.join("; ", e.problems()));
        } catch (RuntimeException e) {
            return Optional.of("the configuration could not be read (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, SiteConfig> wanted = new LinkedHashMap<>();
        next.sites().forEach(s -> wanted.put(s.name(), s));
        List<String> errors = new ArrayList<>();
        int restarted = 0;
        for (SiteConfig current : List.copyOf(running.values())) {
            if (!current.equals(wanted.get(current.name()))) {
                try {
                    daemon.stopSite(current.name(), next.shutdownGrace());
                    running.remove(current.name());
                    restarted++;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.of("interrupted while stopping site " + current.name());
                }
            }
        }
        for (SiteConfig site : wanted.values()) {
            if (!running.containsKey(site.name())) {
                try {
                    daemon.startSite(site);
                    running.put(site.name(), site);
                    restarted++;
                } catch (RuntimeException e) {
                    errors.add("site " + site.name() + " could not start: " + e.getMessage());
                }
            }
        }
        boolean newBeat = !effective.control().map(c -> c.heartbeatPeriod())
                .equals(next.control().map(c -> c.heartbeatPeriod()));
        if (newBeat) {
            next.control().ifPresent(c -> heartbeat.accept(c.heartbeatPeriod()));
        }
        boolean changed = restarted > 0 || newBeat;
        effective = next;
        if (changed) { // the same configuration every heartbeat changes nothing: not worth a line each time
            log.info("configuration from the mothership applied: {} site(s) running", running.size());
        } else {
            log.debug("configuration from the mothership unchanged: {} site(s) running", running.size());
        }
        return errors.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", errors));
    }

    @Override
    public synchronized ObjectNode report() {
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        ObjectNode settings = report.putObject("settings");
        effective.settings().forEach(s -> settings.put(s.key().yamlName(), s.value())); // secrets masked already
        var sites = report.putArray("sites");
        for (SiteConfig s : running.values()) {
            ObjectNode site = sites.addObject();
            site.put("name", s.name());
            site.put("local_path", s.localPath().toString());
            site.put("bucket", s.bucket());
            site.put("key_prefix", s.prefix());
            site.put("input_remove_prefix", s.removePrefix());
            var inclusions = site.putArray("inclusions");
            s.inclusions().forEach(inclusions::add);
            site.put("credentials", s.accessKey().isPresent() ? "static (redacted)" : "default chain");
        }
        effective.control().ifPresent(c -> report.putObject("control")
                .put("mothership", c.url().toString())
                .put("heartbeat_period", c.heartbeatPeriod().toSeconds())
                .put("aws_keys_file", c.awsKeysFile().toString())
                .put("upgrade_command", c.upgradeCommand().isPresent() ? "set locally" : "not set")
                .put("token", c.token().isPresent() ? "(redacted)" : "none"));
        return report;
    }

    @Override
    public void sweepNow(String why) {
        daemon.sweepAll(why);
    }

    @Override
    public Counts counts() {
        long uploaded = 0;
        long failed = 0;
        for (DaemonStatus.BucketStatus b : daemon.status().buckets().values()) {
            uploaded += b.uploaded();
            failed += b.failed();
        }
        return Counts.of(uploaded, failed);
    }

    @Override
    public void exitForRestart() {
        exit.run();
    }
}
