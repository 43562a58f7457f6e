package dev.ferry.queue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: attempt n waits between half and all of min(cap, base * 2^(n-1)), so a
 * failing bucket neither hammers the server nor retries in lock-step. The one backoff rule of Ferry: the
 * queues' retries, the endpoint probes, the state writer's retries and the sweeps' waits for the state store
 * all use it. The random source and the waiting ({@link Sleeper}) are passed in, so tests neither guess nor
 * wait.
 */
public final class Backoff {
    private final Duration base;
    private final Duration cap;
    private final DoubleSupplier random;

    /**
     * Waits for a delay; a fake one lets tests check the delays without waiting.
     */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits {@code delay}; false when the wait was cut short because the caller is stopping. */
        boolean sleep(Duration delay) throws InterruptedException;

        /** Sleeps the calling thread for the whole delay. */
        Sleeper THREAD = delay -> {
            TimeUnit.MILLISECONDS.sleep(delay.toMillis());
            return true;
        };
    }

    /**
     * @param random uniform in [0, 1); injected so tests are deterministic. A source that always gives 1.0
     *               takes out the jitter ({@link #withoutJitter}).
     */
    public Backoff(Duration base, Duration cap, DoubleSupplier random) {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= cap, got base " + base + ", cap " + cap);
        }
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    public static Backoff standard() {
        return new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), Math::random);
    }

    /** Attempt n waits exactly min(cap, base * 2^(n-1)): for one waiter, where lock-step cannot happen. */
    public static Backoff withoutJitter(Duration base, Duration cap) {
        return new Backoff(base, cap, () -> 1.0);
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt) {
        int exponent = Math.max(0, Math.min(attempt - 1, 30));
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << exponent);
        if (ceiling <= 0) {
            ceiling = cap.toMillis();
        }
        long half = ceiling / 2;
        return Duration.ofMillis(half + (long) (random.getAsDouble() * (ceiling - half)));
    }

    /** Waits out the delay before retry number {@code attempt}; false when the sleeper was cut short. */
    public boolean await(int attempt, Sleeper sleeper) throws InterruptedException {
        return sleeper.sleep(delay(attempt));
    }

    public Duration cap() {
        return cap;
    }
}
