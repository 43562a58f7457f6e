package dev.ferry.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet as one daemon sees it at {@code now}: every registered instance, each marked stale when it has not
 * reported for more than {@value #STALE_AFTER_HEARTBEATS} of its heartbeats (a killed process, a lost machine,
 * a network split from MongoDB), so a single late report is not taken for a dead machine.
 *
 * @param now       the time the view was taken (the viewing daemon's clock)
 * @param instances by instance id
 * @param sameId    another daemon the viewing one last found writing under its own instance id
 *                  ({@link InstanceIdClash}), if any
 */
public record FleetView(Instant now, List<Entry> instances, Optional<FleetMember> sameId) {

    /** Heartbeats an instance may miss before it is shown stale. */
    public static final int STALE_AFTER_HEARTBEATS = 3;

    public FleetView {
        Objects.requireNonNull(now, "now");
        instances = List.copyOf(instances);
        Objects.requireNonNull(sameId, "sameId");
    }

    public FleetView(Instant now, List<Entry> instances) {
        this(now, instances, Optional.empty());
    }

    /** This view with {@code other}, a daemon found writing under the viewing one's instance id. */
    public FleetView withSameId(Optional<FleetMember> other) {
        return new FleetView(now, instances, other);
    }

    /**
     * @param member what it last reported
     * @param self   whether it is the daemon that answered
     * @param stale  whether it stopped reporting
     * @param age    time since its last report (0 when its clock runs ahead of the viewer's)
     */
    public record Entry(FleetMember member, boolean self, boolean stale, Duration age) {
    }

    /** The view of {@code members} at {@code now}; {@code selfId} is the viewing daemon's instance id. */
    public static FleetView of(Collection<FleetMember> members, String selfId, Instant now) {
        List<Entry> entries = members.stream().sorted(Comparator.comparing(FleetMember::id))
                .map(m -> new Entry(m, m.id().equals(selfId), stale(m, now), age(m, now))).toList();
        return new FleetView(now, entries);
    }

    /** Whether {@code member} missed more than {@value #STALE_AFTER_HEARTBEATS} heartbeats at {@code now}. */
    public static boolean stale(FleetMember member, Instant now) {
        return age(member, now).compareTo(member.heartbeat().multipliedBy(STALE_AFTER_HEARTBEATS)) > 0;
    }

    private static Duration age(FleetMember member, Instant now) {
        Duration age = Duration.between(member.lastSeen(), now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    /** How many instances are stale. */
    public long staleCount() {
        return instances.stream().filter(Entry::stale).count();
    }
}
