package dev.ferry.app;

import dev.ferry.engine.Engine;
import dev.ferry.engine.Site;
import dev.ferry.sweep.SweepScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps one site's files flowing: its sweeps, and native watching or polling. Started and stopped by
 * the {@link Daemon}.
 */
final class SiteRunner {
    private static final Logger log = LoggerFactory.getLogger(SiteRunner.class);

    final Site site;
    final SweepScheduler sweeps;
    final WatchHealth health;
    private final Optional<Duration> pollInterval;
    private final Duration fallbackPollInterval;
    private final Clock clock;
    private final SiteWatch watch;

    /**
     * @param pollInterval         poll at this interval instead of watching natively; empty for native watching
     * @param fallbackPollInterval poll at this interval when native watching fails (poll_interval)
     */
    SiteRunner(Site site, Engine engine, SweepScheduler.StateSweep sweeper, Optional<Duration> pollInterval, Duration fallbackPollInterval,
            Clock clock) {
        this.fallbackPollInterval = fallbackPollInterval;
        this.site = site;
        this.pollInterval = pollInterval;
        this.clock = clock;
        this.sweeps = new SweepScheduler(site.root(), sweeper, clock, site.sweepsEachFolder());
        this.health = new WatchHealth(site.root(), pollInterval.isPresent());
        this.watch = new SiteWatch(site, engine, sweeps, health, clock, pollInterval.isEmpty(), fallbackPollInterval);
    }

    void start() {
        if (pollInterval.isPresent()) {
            log.info("{}: polling every {} s instead of native watching", site.root(), pollInterval.get().toSeconds());
        }
        if (!watch.start("start-up")) {
            sweeps.requestFull("start-up");
        }
    }

    /**
     * Called every second: checks that the watched folder is still the one watched (and watches again when
     * due), and polls when due (configured polling, or native watching not covering the tree).
     */
    void tick() {
        watch.tick();
        if (!health.polling()) {
            return;
        }
        Duration every = pollInterval.orElse(fallbackPollInterval);
        if (sweeps.lastFullSweepAt().map(at -> at.plus(every).isBefore(clock.instant())).orElse(false)) {
            sweeps.requestFull(pollInterval.isPresent() ? "polling (watch_interval)"
                    : "polling (native watching unavailable)");
        }
    }

    void stopIntake() {
        watch.stop();
        sweeps.close();
    }
}
