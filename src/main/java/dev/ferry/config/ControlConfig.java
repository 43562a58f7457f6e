package dev.ferry.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The control plane (seed 003's mothership): where Ferry phones home, how often, where the keys the mothership
 * sends are kept, and the one command an {@code upgrade} action may run, which only the local file can set.
 * Validated: plain HTTP only to a loopback address or with {@code insecure}. {@link #toString()} shows no token.
 *
 * @param hostService     "https" or "http"
 * @param hostDns         host name or address of the mothership
 * @param hostUri         path of the phone-home endpoint, starting with "/"
 * @param hostPort        its port
 * @param heartbeatPeriod time between heartbeats
 * @param awsKeysFile     where the keys the mothership sends are written (and read at start-up)
 * @param upgradeCommand  run on an {@code upgrade} action; empty: the action is refused
 * @param token           bearer token sent to the mothership
 * @param insecure        plain HTTP to a host that is not loopback was asked for explicitly
 * @param contextFile     where the state the mothership gave survives restarts (s3-ingestor-context.json)
 */
public record ControlConfig(String hostService, String hostDns, String hostUri, int hostPort, Duration heartbeatPeriod,
        Path awsKeysFile, Optional<String> upgradeCommand, Optional<Secret> token, boolean insecure, Path contextFile) {

    /** Seed 003's name of the context file, kept in state_dir. */
    public static final String CONTEXT_FILE_NAME = "s3-ingestor-context.json";

    public ControlConfig {
        Objects.requireNonNull(hostService, "hostService");
        Objects.requireNonNull(hostDns, "hostDns");
        Objects.requireNonNull(hostUri, "hostUri");
        Objects.requireNonNull(heartbeatPeriod, "heartbeatPeriod");
        Objects.requireNonNull(awsKeysFile, "awsKeysFile");
        Objects.requireNonNull(upgradeCommand, "upgradeCommand");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(contextFile, "contextFile");
    }

    /** {@code host_service://host_dns:host_port/host_uri}; holds no secret. */
    public URI url() {
        String host = hostDns.contains(":") && !hostDns.startsWith("[") ? "[" + hostDns + "]" : hostDns;
        return URI.create(hostService + "://" + host + ":" + hostPort + hostUri);
    }

    /** Whether {@code host} is a loopback name or address, decided without asking DNS. */
    static boolean loopback(String host) {
        String h = host.strip().toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost") || h.matches("127(\\.\\d{1,3}){3}")
                || h.equals("::1") || h.equals("[::1]");
    }

    @Override
    public String toString() {
        return "ControlConfig[" + url() + ", heartbeat " + heartbeatPeriod.toSeconds() + "s, keys " + awsKeysFile
                + ", upgrade_command " + (upgradeCommand.isPresent() ? "set" : "not set") + ", token "
                + (token.isPresent() ? Secret.MASK : "none") + (insecure ? ", insecure" : "") + "]";
    }
}
