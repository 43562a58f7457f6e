package dev.ferry.fleet;

import dev.ferry.core.DaemonStatus;
import dev.ferry.core.FleetMember;
import dev.ferry.core.FleetRegistry;
import dev.ferry.core.FleetView;
import dev.ferry.core.InstanceId;
import dev.ferry.core.StatusSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * This daemon's entry in the fleet and its view of the fleet. With a registry (MongoDB), the view is every
 * registered instance, this one taken from its live status rather than its last heartbeat; without one
 * (SQLite, which no other daemon shares), the fleet is this daemon alone.
 */
public final class FleetService {
    private final InstanceId id;
    private final String host;
    private final String version;
    private final Supplier<Optional<String>> url;
    private final Duration heartbeat;
    private final StatusSource status;
    private final Optional<FleetRegistry> registry;
    private final Clock clock;
    private final FleetMember.Run run;

    /**
     * @param url       this daemon's status server, once it listens
     * @param heartbeat how often this daemon reports (FLEET_HEARTBEAT)
     * @param run       this run of the daemon
     */
    public FleetService(InstanceId id, String host, String version, Supplier<Optional<String>> url,
            Duration heartbeat, StatusSource status, Optional<FleetRegistry> registry, Clock clock,
            FleetMember.Run run) {
        this.run = Objects.requireNonNull(run, "run");
        this.id = Objects.requireNonNull(id, "id");
        this.host = Objects.requireNonNull(host, "host");
        this.version = Objects.requireNonNull(version, "version");
        this.url = Objects.requireNonNull(url, "url");
        this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
        this.status = Objects.requireNonNull(status, "status");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The registry this daemon reports to; empty when its store is its own. */
    public Optional<FleetRegistry> registry() {
        return registry;
    }

    /** This run of the daemon. */
    public FleetMember.Run run() {
        return run;
    }

    /** This daemon's entry now. */
    public FleetMember self() {
        return self(clock.instant());
    }

    private FleetMember self(Instant now) {
        DaemonStatus s = status.snapshot();
        return new FleetMember(id.value(), host, version, s.startedAt(), now, heartbeat, url.get(),
                FleetMember.countsOf(s), Optional.of(run));
    }

    /**
     * Every instance of the fleet, stale ones marked.
     *
     * @throws dev.ferry.core.StateStoreException when the registry cannot be read
     */
    public FleetView view() {
        Instant now = clock.instant();
        List<FleetMember> members = new ArrayList<>();
        registry.ifPresent(r -> r.members().stream().filter(m -> !m.id().equals(id.value())).forEach(members::add));
        members.add(self(now));
        return FleetView.of(members, id.value(), now);
    }

    /** {@code http://host:port} of a status server bound to {@code bindAddress} (the host for a wildcard). */
    public static String urlOf(String bindAddress, String host, int port) {
        String address = switch (bindAddress) {
            case "0.0.0.0", "::", "[::]", "" -> host;
            default -> bindAddress;
        };
        return "http://" + (address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address)
                + ":" + port;
    }
}
