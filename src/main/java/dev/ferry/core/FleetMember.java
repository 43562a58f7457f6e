package dev.ferry.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One daemon as the fleet registry knows it: what it last reported of itself. Daemons sharing one MongoDB
 * each write their own entry every heartbeat, so any of them can list all (GET /fleet, {@code ferry fleet}).
 *
 * @param id        the instance id (INSTANCE_ID, the host name by default)
 * @param host      the host it runs on
 * @param version   Ferry's version
 * @param startedAt when it started
 * @param lastSeen  when it last reported, by its own clock
 * @param heartbeat how often it reports: it is stale once {@link FleetView#STALE_AFTER_HEARTBEATS} of them passed
 *                  without a report
 * @param url       its status server ({@code http://host:port}), when known
 * @param buckets   per destination bucket, what its /status counts (sorted by name)
 * @param run       which run of a daemon wrote the entry; empty in an entry of a version that did not write it
 */
public record FleetMember(String id, String host, String version, Instant startedAt, Instant lastSeen,
        Duration heartbeat, Optional<String> url, Map<String, Counts> buckets, Optional<Run> run) {

    public FleetMember {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(lastSeen, "lastSeen");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(url, "url");
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be longer than 0, got " + heartbeat);
        }
        buckets = Collections.unmodifiableMap(new TreeMap<>(buckets));
        Objects.requireNonNull(run, "run");
    }

    /** An entry that does not say which run wrote it. */
    public FleetMember(String id, String host, String version, Instant startedAt, Instant lastSeen,
            Duration heartbeat, Optional<String> url, Map<String, Counts> buckets) {
        this(id, host, version, startedAt, lastSeen, heartbeat, url, buckets, Optional.empty());
    }

    /**
     * One run of a daemon: what tells two daemons under one instance id apart, and a daemon from the run before
     * it (see {@link InstanceIdClash}).
     *
     * @param token   random, made when the daemon starts; no two runs share one
     * @param pid     its process id on its host
     * @param stopped whether it stopped cleanly (its last write, after its last upload)
     */
    public record Run(String token, long pid, boolean stopped) {
        public Run {
            Objects.requireNonNull(token, "token");
        }

        /** A token of 16 random bytes, in hex, from {@code random}. */
        public static String token(java.util.random.RandomGenerator random) {
            StringBuilder hex = new StringBuilder(32);
            for (int i = 0; i < 16; i++) {
                hex.append(String.format("%02x", random.nextInt(256)));
            }
            return hex.toString();
        }

        /** This run, stopped. */
        public Run stoppedNow() {
            return new Run(token, pid, true);
        }
    }

    /**
     * One bucket's counts, as /status has them.
     *
     * @param queued   files waiting
     * @param uploaded files uploaded since the daemon started
     * @param failed   files whose latest attempt failed
     * @param bytes    bytes uploaded since the daemon started
     */
    public record Counts(long queued, long uploaded, long failed, long bytes) {
        public static final Counts ZERO = new Counts(0, 0, 0, 0);

        Counts plus(Counts other) {
            return new Counts(queued + other.queued, uploaded + other.uploaded, failed + other.failed,
                    bytes + other.bytes);
        }
    }

    /** The sum over its buckets. */
    public Counts total() {
        return buckets.values().stream().reduce(Counts.ZERO, Counts::plus);
    }

    /** The per-bucket counts of a /status snapshot. */
    public static Map<String, Counts> countsOf(DaemonStatus status) {
        Map<String, Counts> counts = new TreeMap<>();
        status.buckets().forEach((name, b) -> counts.put(name, new Counts(b.queued(), b.uploaded(), b.failed(),
                b.bytes())));
        return counts;
    }
}
