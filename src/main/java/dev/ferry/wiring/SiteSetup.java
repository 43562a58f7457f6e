package dev.ferry.wiring;

import dev.ferry.engine.Site;
import dev.ferry.sweep.Reconciler;
import java.time.Duration;
import java.util.Optional;

/**
 * A site with what its configuration says about running it, built once by {@link Components} so nothing
 * looks its configuration up again by name (a site added while the daemon runs is in no config file).
 *
 * @param site           the site
 * @param policy         how its folder is compared with S3 (a tree: each of its bucket folders)
 * @param listsEverySweep every full sweep compares the folder with an S3 listing (else only the first full
 *                       sweep asks S3, about the files the state store does not know)
 * @param pollInterval   poll at this interval instead of watching natively; empty for native watching
 */
public record SiteSetup(Site site, Reconciler.Policy policy, boolean listsEverySweep, Optional<Duration> pollInterval) {
}
