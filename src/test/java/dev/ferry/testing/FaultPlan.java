package dev.ferry.testing;

import dev.ferry.testing.S3Request.Operation;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Which share of requests {@link CountingProxy} answers with which fault. The choice for a request depends only
 * on the seed, its operation, what it concerns and how many requests of that operation on that target came before
 * (not on timing or threads): the n-th PUT of a key meets the same fault in every run with the same seed.
 *
 * @param error500   share answered 500 InternalError (S3's XML body), the request not forwarded
 * @param slowDown   share answered 503 SlowDown, not forwarded
 * @param reset      share whose connection is reset (SO_LINGER 0) in the middle of the request body, after half of
 *                   it reached the server (right after the head when there is no body): the server never acts
 * @param loseResponse share forwarded and answered by the server, whose response is dropped and the connection
 *                   reset: the server acted, the client cannot know
 * @param latency    share forwarded after {@code delay}
 * @param operations the operations faults apply to; others always pass
 */
public record FaultPlan(long seed, double error500, double slowDown, double reset, double loseResponse,
        double latency, Duration delay, Set<Operation> operations) {

    /** A fault the proxy injected, or none. */
    public enum Fault {
        NONE, ERROR_500, SLOW_DOWN_503, RESET_MID_BODY, LOST_RESPONSE, LATENCY, BLACK_HOLE,
        /** Not chosen by a plan: the test refuses such requests (403 AccessDenied, as a bucket policy would). */
        ACCESS_DENIED_403,
        /** Not chosen by a plan: the request was in progress when the test said the client died (kill -9). */
        CLIENT_KILLED,
        /**
         * Not chosen by a plan: the client had closed the connection (gave up) when the server's answer came, or
         * reset it right after the answer instead of sending another request.
         */
        CLIENT_GONE
    }

    public static final FaultPlan NONE = new FaultPlan(0, 0, 0, 0, 0, 0, Duration.ZERO, EnumSet.noneOf(Operation.class));

    public FaultPlan {
        double total = error500 + slowDown + reset + loseResponse + latency;
        if (error500 < 0 || slowDown < 0 || reset < 0 || loseResponse < 0 || latency < 0 || total > 1) {
            throw new IllegalArgumentException("fault shares must be >= 0 and add up to at most 1, not " + total);
        }
        operations = Set.copyOf(operations);
    }

    /** No faults yet, for every operation: add them with the {@code with...} methods. */
    public static FaultPlan seeded(long seed) {
        return new FaultPlan(seed, 0, 0, 0, 0, 0, Duration.ZERO, EnumSet.allOf(Operation.class));
    }

    public FaultPlan withErrors(double share500, double share503) {
        return new FaultPlan(seed, share500, share503, reset, loseResponse, latency, delay, operations);
    }

    public FaultPlan withResets(double share) {
        return new FaultPlan(seed, error500, slowDown, share, loseResponse, latency, delay, operations);
    }

    public FaultPlan withLostResponses(double share) {
        return new FaultPlan(seed, error500, slowDown, reset, share, latency, delay, operations);
    }

    public FaultPlan withLatency(double share, Duration by) {
        return new FaultPlan(seed, error500, slowDown, reset, loseResponse, share, by, operations);
    }

    public FaultPlan onlyFor(Set<Operation> which) {
        return new FaultPlan(seed, error500, slowDown, reset, loseResponse, latency, delay, which);
    }

    /** The fault for the {@code nth} (0-based) request of {@code operation} on {@code target}. */
    public Fault choose(Operation operation, String target, int nth) {
        if (!operations.contains(operation)) {
            return Fault.NONE;
        }
        long mixed = seed * 0x9E3779B97F4A7C15L + target.hashCode() * 31L + operation.ordinal() * 1_000_003L + nth;
        double u = new SplittableRandom(mixed).nextDouble();
        double[] shares = {error500, slowDown, reset, loseResponse, latency};
        Fault[] faults = {Fault.ERROR_500, Fault.SLOW_DOWN_503, Fault.RESET_MID_BODY, Fault.LOST_RESPONSE, Fault.LATENCY};
        double edge = 0;
        for (int i = 0; i < shares.length; i++) {
            edge += shares[i];
            if (u < edge) {
                return faults[i];
            }
        }
        return Fault.NONE;
    }
}
