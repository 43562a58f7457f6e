package dev.ferry.testing;

import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * What a {@link ChaosRun} does: how many files arrive where and for how long, the faults injected into every
 * request throughout, and how long each outage lasts.
 *
 * @param rewriteShare share of files written a second time (other content) within 10 s of the first
 */
public record ChaosSettings(long seed, List<String> buckets, Duration arrivals, double filesPerSecondPerBucket,
        double rewriteShare, FaultPlan faults, Duration s3Outage, Duration blackHole, Duration storeOutage,
        Duration drainDeadline) {
    private static final Duration GAP = Duration.ofSeconds(2);

    /** One step of the timeline, {@code at} from the start of the arrivals. */
    public record Event(Duration at, Kind kind, boolean on) {
        public enum Kind { KILL, S3_OUTAGE, BLACK_HOLE, STORE_OUTAGE }

        @Override
        public String toString() {
            return switch (kind) {
                case KILL -> "kill -9, restart on the same state";
                case S3_OUTAGE -> on ? "S3 outage: connections refused" : "S3 back";
                case BLACK_HOLE -> on ? "black hole: requests never answered" : "black hole over";
                case STORE_OUTAGE -> on ? "state store outage: SQLite folder unwritable and locked" : "state store back";
            };
        }
    }

    /**
     * The events in order: a kill -9 at a random moment early on, then the S3 outage, the black hole and the store
     * outage one after the other (2 s apart), then a second kill -9 at a random moment 2-10 s after the store came
     * back. Random moments come from the seed.
     */
    public List<Event> timeline(Random random) {
        Duration kill1 = millis(arrivals.toMillis() * (0.05 + 0.07 * random.nextDouble()));
        Duration outage = millis(arrivals.toMillis() * 0.15);
        Duration hole = outage.plus(s3Outage).plus(GAP);
        Duration store = hole.plus(blackHole).plus(GAP);
        Duration storeBack = store.plus(storeOutage);
        Duration kill2 = storeBack.plus(GAP).plus(millis(8000 * random.nextDouble()));
        return List.of(new Event(kill1, Event.Kind.KILL, true),
                new Event(outage, Event.Kind.S3_OUTAGE, true), new Event(outage.plus(s3Outage), Event.Kind.S3_OUTAGE, false),
                new Event(hole, Event.Kind.BLACK_HOLE, true), new Event(hole.plus(blackHole), Event.Kind.BLACK_HOLE, false),
                new Event(store, Event.Kind.STORE_OUTAGE, true), new Event(storeBack, Event.Kind.STORE_OUTAGE, false),
                new Event(kill2, Event.Kind.KILL, true));
    }

    private static Duration millis(double ms) {
        return Duration.ofMillis((long) ms);
    }
}
