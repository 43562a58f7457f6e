package dev.ferry.engine;

import dev.ferry.core.DaemonStatus.BucketStatus;
import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.FileStatus;
import dev.ferry.core.ItemRef;
import dev.ferry.core.ItemVersion;
import dev.ferry.core.RecordId;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.SettleRule;
import dev.ferry.core.StateStoreException;
import dev.ferry.core.UnmarkedUploads;
import dev.ferry.core.UploadDecision;
import dev.ferry.core.UploadListener;
import dev.ferry.filter.RouteDecision;
import dev.ferry.queue.Backoff;
import dev.ferry.queue.Task;
import dev.ferry.queue.BucketQueue;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes changes to per-bucket lanes and records items that are rejected. Two ways in: {@link #changed}
 * for a source's change feed (never blocks; a full queue drops the change and the bucket is swept again later)
 * and {@link #enqueue} for sweeps (waits for room, so a sweep of a million items keeps memory bounded). Items are
 * known by {@link ItemRef} and reached through their site's {@link dev.ferry.core.Source}, whatever kind it is.
 * One item may belong to several sites (one folder feeding several destinations): a change fans out to each, and
 * each site's lane carries and records it for its own destination.
 */
public final class Engine {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    /** The sites carried now: set at start, changed by {@link #addSite} and {@link #removeSite} while running. */
    private final List<Site> sites = new CopyOnWriteArrayList<>();
    private final RecordKeeper records;
    private final EngineSettings settings;
    private final Clock clock;
    private final Backoff backoff;
    private final Uploader uploader;
    private final SettleRule settle;
    /** Lanes by site and bucket; shown under their lane name. */
    private final Map<LaneId, Lane> lanes = new ConcurrentHashMap<>();

    private record LaneId(Site site, String bucket) {
    }

    /** Folders that cannot be buckets: the reason, and the files in them seen so far. */
    private final Map<String, String> invalidBuckets = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> invalidBucketFiles = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Guarded by {@code this} together with lane creation, so a lane made during pause() starts paused. */
    private volatile boolean paused;

    private final UploadListener listener;
    private final Object rejectLock = new Object();
    /** Guards {@link #invalidBuckets} and {@link #invalidBucketFiles} together: a folder leaves with its last file. */
    private final Object invalidLock = new Object();
    /** Endpoints by name: the lanes of sites that share one share its outages. */
    private final Map<String, EndpointHealth> endpoints = new ConcurrentHashMap<>();
    private final Backoff probeBackoff;
    /** The threads of the lanes, the probes and the recorder of rejections, made by the engine's owner. */
    private final EngineThreads threads;

    /**
     * The prober's backoff: 1 s doubling to 4 s (each delay jittered between half and all of it), so uploads resume
     * within a few seconds of the endpoint answering again, whatever the outage's length, for one HEAD every 2-4 s.
     */
    public static Backoff probeBackoff() {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), Math::random);
    }

    /** An engine on {@link EngineThreads#standard} threads, with {@link #probeBackoff()}. */
    public Engine(List<Site> sites, RecordKeeper records, EngineSettings settings, Clock clock, Backoff backoff,
            UploadListener listener) {
        this(sites, records, settings, clock, backoff, listener, UnmarkedUploads.NONE, standardThreads(sites),
                probeBackoff());
    }

    /**
     * @param unmarked     lets uploads go on without their durable marks while the state store is down
     * @param threads      the threads it runs on (stopped at its shutdown)
     * @param probeBackoff how often an endpoint that does not answer is asked again
     */
    public Engine(List<Site> sites, RecordKeeper records, EngineSettings settings, Clock clock, Backoff backoff,
            UploadListener listener, UnmarkedUploads unmarked, EngineThreads threads, Backoff probeBackoff) {
        this.threads = threads;
        this.probeBackoff = probeBackoff;
        this.listener = listener;
        this.sites.addAll(sites);
        this.records = records;
        this.settings = settings;
        this.clock = clock;
        this.backoff = backoff;
        this.uploader = new Uploader(records, settings, clock, unmarked);
        this.settle = settings.settleRule();
    }

    /** Every running site whose source holds {@code item}: one folder may feed several destinations. */
    public List<Site> sitesOf(ItemRef item) {
        return sites.stream().filter(s -> owns(s, item)).toList();
    }

    private static boolean owns(Site site, ItemRef item) {
        return site.source().id().equals(item.source()) && site.source().owns(item.item());
    }

    /**
     * Where {@code item} goes in {@code bucket}: the decision of the running site that holds it and routes it to
     * that bucket (a record names its bucket, so this finds the site a record was written for), else of the first
     * site that holds it, else skipped.
     */
    public RouteDecision routeTo(ItemRef item, String bucket) {
        return siteFor(item, bucket).map(site -> site.route(item.item()))
                .orElse(new RouteDecision.Skipped("outside every watched folder"));
    }

    private Optional<Site> siteFor(ItemRef item, String bucket) {
        List<Site> owners = sitesOf(item);
        return owners.stream().filter(site -> site.sendsTo(item.item(), bucket)).findFirst()
                .or(() -> owners.stream().findFirst());
    }

    /**
     * The {@link dev.ferry.core.Source.Changes} a site's source feeds: {@link #changed} for each change, and
     * {@code rescan} for lost ones (the caller's sweeps).
     */
    public dev.ferry.core.Source.Changes changes(Runnable rescan) {
        return new dev.ferry.core.Source.Changes() {
            @Override
            public void changed(ItemRef item) {
                Engine.this.changed(item);
            }

            @Override
            public void rescan() {
                rescan.run();
            }
        };
    }

    /**
     * An item changed or was deleted (a source's change feed). Goes to every site that holds the item, each for
     * its own destination. Never blocks.
     */
    public void changed(ItemRef item) {
        if (closed) {
            return;
        }
        for (Site site : sitesOf(item)) {
            changedIn(site, item);
        }
    }

    /**
     * An item of {@code site} changed or was deleted, seen by that site's own change feed (its watcher): queued
     * for that site's destination only, since every other site holding the item has a feed of its own. Never
     * blocks; nothing when the site is not running or does not hold the item.
     */
    public void changed(Site site, ItemRef item) {
        if (closed || !sites.contains(site) || !owns(site, item)) {
            return;
        }
        changedIn(site, item);
    }

    private void changedIn(Site site, ItemRef item) {
        RouteDecision decision = site.route(item.item());
        if (decision instanceof RouteDecision.Routed routed) {
            Destination dest = routed.destination();
            BucketQueue.Offer offer = lane(site, dest.bucket()).map(l -> l.queue.offer(dest.key(), item,
                    clock.instant().plus(settle.time()))).orElse(BucketQueue.Offer.CLOSED);
            if (offer == BucketQueue.Offer.FULL) {
                log.debug("{}: queue full, left for the next sweep", dest);
            }
        } else if (decision instanceof RouteDecision.Rejected rejected) {
            threads.recorder.execute(() -> recordRejectionOf(site, item, rejected));
        }
    }

    /**
     * Queues an item a sweep found to need uploading, waiting while the bucket's queue is full. Due once the
     * item has been quiet for the settle time. False when the engine is shutting down.
     */
    public boolean enqueue(Site site, ItemRef item, Destination dest, FileStat stat) throws InterruptedException {
        if (closed) {
            return false;
        }
        Instant now = clock.instant();
        Instant due = site.policy().settle(settle, item.item()).quietAt(stat, now).orElse(now);
        Optional<Lane> lane = lane(site, dest.bucket());
        return lane.isPresent() && lane.get().queue.put(dest.key(), item, due);
    }

    /**
     * An item a sweep found still in place although its record says this version is uploaded: under a site that
     * deletes or moves its files after upload, queued like an upload (waiting for room), and its worker, finding it
     * uploaded, releases it under the after-upload rule (verified first). Nothing for a site that keeps its files.
     * False when the engine is shutting down.
     */
    public boolean leftover(Site site, ItemRef item, Destination dest, FileStat stat) throws InterruptedException {
        return site.policy().afterUpload().keeps() || enqueue(site, item, dest, stat);
    }

    /**
     * Queues the deletion of the object at {@code dest}, which a sweep of {@code site} found without its item (its
     * local file is gone) and whose guard allowed it: a write to S3 like an upload, so it waits while uploads are
     * paused or the endpoint is away, is retried with the same backoff and shows in /status when it fails. Done only
     * while the item is still absent. Waits for queue room; false when the engine is shutting down.
     */
    public boolean delete(Site site, ItemRef item, Destination dest) throws InterruptedException {
        if (closed) {
            return false;
        }
        Optional<Lane> lane = lane(site, dest.bucket());
        return lane.isPresent() && lane.get().queue.put(dest.key(), item, clock.instant(), Task.Work.DELETE);
    }

    /**
     * Queues the writing of a folder's sync marker at {@code dest}, which a sweep of {@code site} found complete in
     * S3; {@code marker} is the marker's path in the local folder (written too where {@code how} says so). Never
     * waits: a full queue drops it, and the next full sweep finds the marker still due.
     */
    public boolean mark(Site site, ItemRef marker, Destination dest, Task.Mark how) {
        if (closed) {
            return false;
        }
        Optional<Lane> lane = lane(site, dest.bucket());
        if (lane.isEmpty()) {
            return false;
        }
        BucketQueue.Offer offer = lane.get().queue.offer(dest.key(), marker, clock.instant(), how);
        return offer == BucketQueue.Offer.ADDED || offer == BucketQueue.Offer.MERGED;
    }

    /**
     * An item a sweep of {@code site} found by name but could not read ({@code reason}: its folder lacks search
     * permission, an I/O error): recorded FAILED with the reason, unless its record says it is uploaded (it was, and
     * the sweep that can read it again sees whether it changed), and counted as failing in its lane, so that
     * {@code ferry failed} and /status show it. Not permanent: the first sweep that reads it decides it as any file
     * (a record that knows no version is compared with S3 where a listing is at hand). Never blocks on S3.
     */
    public void unreadable(Site site, ItemRef item, Destination dest, String reason) {
        if (closed || !sites.contains(site)) {
            return;
        }
        Optional<FileRecord> existing;
        try {
            existing = records.get(new RecordId(item.source(), item.item(), dest.bucket()));
        } catch (StateStoreException e) {
            return; // the store is away: the next full sweep records it
        }
        if (existing.isPresent() && existing.get().status() == FileStatus.UPLOADED) {
            return;
        }
        Instant now = clock.instant();
        lane(site, dest.bucket()).ifPresent(lane -> lane.stats.failing(item.item(), reason, now));
        Uploader.recordUnreadable(records, item, dest, reason, existing, now);
    }

    /** Records a rejected item (ignored at the root, invalid bucket folder, key too long) unless already recorded. */
    public void reject(ItemRef item, RouteDecision.Rejected rejected, FileStat stat, Optional<FileRecord> existing) {
        reject(siteFor(item, rejected.bucket()), item, rejected, stat, existing);
    }

    /** The same for an item a sweep of {@code site} found: counted as failing in that site's lane. */
    public void reject(Site site, ItemRef item, RouteDecision.Rejected rejected, FileStat stat,
            Optional<FileRecord> existing) {
        reject(Optional.of(site), item, rejected, stat, existing);
    }

    private void reject(Optional<Site> site, ItemRef item, RouteDecision.Rejected rejected, FileStat stat,
            Optional<FileRecord> existing) {
        String path = item.item();
        if (rejected.kind() == RouteDecision.Rejection.INVALID_BUCKET) {
            synchronized (invalidLock) {
                if (invalidBuckets.putIfAbsent(rejected.bucket(), rejected.reason()) == null) {
                    log.warn("{}: {}; its files are not uploaded", rejected.bucket(), rejected.reason());
                }
                invalidBucketFiles.computeIfAbsent(rejected.bucket(), b -> ConcurrentHashMap.newKeySet())
                        .add(path);
            }
        }
        if (rejected.kind().fileLevel()) {
            // a valid bucket with a file it cannot take: counted as failing there, like a failed upload, also
            // when the record says so already (after a restart), so /status and ferry_files_failing show it
            site.flatMap(s -> lane(s, rejected.bucket())).ifPresent(lane -> lane.stats.failing(
                    path, rejected.reason(), clock.instant()));
        }
        FileStatus status = rejected.failure() ? FileStatus.FAILED : FileStatus.IGNORED;
        if (UploadDecision.alreadyRecorded(existing, status, rejected.reason(), stat)) {
            return;
        }
        synchronized (rejectLock) {
            // The watcher's recorder and a sweep may both bring a new file, each with the record it read
            // before the other wrote: read again (pending writes included) so it is recorded and logged once.
            Optional<FileRecord> current = existing;
            try {
                current = records.get(new RecordId(item.source(), path, rejected.bucket()));
            } catch (StateStoreException e) {
                // the store is away: record it from what the caller read
            }
            if (!UploadDecision.alreadyRecorded(current, status, rejected.reason(), stat)) {
                // Another version of a file already rejected for this reason (the watcher saw it created empty,
                // then written; a sweep found it grown) takes the record, but the reason was said already.
                boolean said = current.isPresent() && current.get().status() == status
                        && current.get().reason().equals(rejected.reason());
                recordRejection(item, rejected, stat, current, said);
            }
        }
    }

    private void recordRejection(ItemRef item, RouteDecision.Rejected rejected, FileStat stat,
            Optional<FileRecord> existing, boolean said) {
        Instant now = clock.instant();
        FileRecord base = existing.orElseGet(() -> FileRecord.pending(item.source(), item.item(),
                rejected.bucket(), rejected.key(), stat, now));
        FileRecord record = rejected.failure()
                ? base.failed(rejected.bucket(), rejected.key(), stat, rejected.reason(), true, now)
                : base.ignored(rejected.bucket(), rejected.key(), stat, rejected.reason(), now);
        records.offer(record);
        if (said) {
            log.debug("{}: still {}: {}", item, rejected.failure() ? "not uploaded" : "ignored", rejected.reason());
        } else if (rejected.failure()) {
            log.warn("{}: not uploaded: {}", item, rejected.reason());
        } else {
            log.info("{}: ignored: {}", item, rejected.reason());
        }
    }

    /**
     * An item of {@code site} was deleted, seen by its watcher, where the site does not carry deletions to S3: an
     * item the site rejects (invalid bucket folder, key too long, name not UTF-8) has its failed record closed and
     * leaves the failed counts; anything else is left as it is. Never blocks.
     */
    public void deleted(Site site, ItemRef item) {
        if (closed || !sites.contains(site) || !owns(site, item)) {
            return;
        }
        if (site.route(item.item()) instanceof RouteDecision.Rejected rejected && rejected.failure()) {
            threads.recorder.execute(() -> recordRejectionOf(site, item, rejected));
        }
    }

    /**
     * The failed record of {@code path} for {@code bucket} was closed because the file is gone (a deletion seen, or
     * {@link dev.ferry.sweep.DeletedFailures} after a full sweep): it leaves the count of its folder that cannot
     * be a bucket, and that folder leaves /status with its problem once none of its files is left; a file its
     * bucket could not take leaves that bucket's failed count.
     */
    public void failedFileGone(String path, String bucket) {
        synchronized (invalidLock) {
            Set<String> files = invalidBucketFiles.get(bucket);
            if (files != null && files.remove(path) && files.isEmpty()) {
                invalidBucketFiles.remove(bucket);
                if (invalidBuckets.remove(bucket) != null) {
                    log.info("{}: none of its files is left; the folder is no longer reported", bucket);
                }
            }
        }
        lanes.forEach((id, lane) -> {
            if (id.bucket().equals(bucket)) {
                lane.succeeded(path);
            }
        });
    }

    /**
     * A full sweep of {@code site} planned deletions in {@code bucket} and its guard refused them ({@code why}),
     * or refused none (empty): shown as the bucket's problem until a sweep refuses none.
     */
    public void deletionsRefused(Site site, String bucket, Optional<String> why) {
        // a site stopped meanwhile has no lanes any more: nothing to show
        lane(site, bucket).map(l -> l.gate).ifPresent(gate -> why.ifPresentOrElse(
                w -> gate.deletionsStopped(BucketGate.SWEEP_DELETIONS_REFUSED + w), gate::deletionsAllowed));
    }

    /**
     * A folder of a site to sweep: the site's queue for its files dropped changes while full. Named with its site,
     * since nested sites share folders and each sweep looks at its own destination only.
     */
    public record SweepNeeded(Site site, Path folder) {
    }

    /** Buckets whose queue dropped changes while full and has room again: sweep them, each in its own site. */
    public List<SweepNeeded> foldersNeedingSweep() {
        List<SweepNeeded> dirty = new ArrayList<>();
        lanes.forEach((id, lane) -> {
            if (lane.queue.takeDirtyIfRoom()) {
                dirty.add(new SweepNeeded(id.site(), id.site().folderOf(id.bucket())));
            }
        });
        return dirty;
    }

    /** Per bucket status, sorted by bucket name; invalid bucket folders appear with their problem. */
    public Map<String, BucketStatus> bucketStatus() {
        Map<String, BucketStatus> out = new TreeMap<>();
        invalidBuckets.forEach((bucket, problem) -> out.put(bucket, new BucketStatus(0, 0, 0, 0,
                invalidBucketFiles.getOrDefault(bucket, Set.of()).size(), Optional.of(problem), Optional.empty())));
        lanes.forEach((id, lane) -> out.put(id.site().laneName(id.bucket()), lane.status()));
        // a prefix site has its one entry from the start, also before its first file (its lane is made on first
        // use): an operator sees every configured site, idle or not; a watch_path tree's buckets come as its folders
        for (Site site : sites) {
            site.on(tree -> {
            }, prefix -> out.computeIfAbsent(prefix.laneName(prefix.bucket()), name -> new BucketStatus(0, 0, 0, 0, 0,
                    Optional.empty(), Optional.empty(), Optional.ofNullable(endpoints.get(prefix.store().endpoint()))
                            .flatMap(EndpointHealth::status))));
        }
        return out;
    }

    /**
     * Stops handing out uploads in every bucket (those under way finish); changes are still queued. {@code why} is
     * logged: an operator asked, or the mothership's state.
     */
    public synchronized void pause(String why) {
        paused = true;
        lanes.values().forEach(l -> l.queue.pause());
        log.info("uploads paused ({}); changes are still queued", why);
    }

    /** Hands out uploads again; {@code why} is logged. */
    public synchronized void resume(String why) {
        paused = false;
        lanes.values().forEach(l -> l.queue.resume());
        log.info("uploads resumed ({})", why);
    }

    public boolean paused() {
        return paused;
    }

    /**
     * An operator's "retry now" for one file: it is due now in its bucket's queue (of the site that sends it to
     * {@code dest}'s bucket), even when it waits in backoff. False when the queue is full (the next sweep finds it) or the engine is shutting down.
     */
    public boolean retryNow(ItemRef item, Destination dest) {
        Optional<Site> site = siteFor(item, dest.bucket());
        if (closed || site.isEmpty()) {
            return false;
        }
        BucketQueue.Offer offer = lane(site.get(), dest.bucket()).map(l -> l.queue.expedite(dest.key(), item))
                .orElse(BucketQueue.Offer.CLOSED);
        return offer == BucketQueue.Offer.ADDED || offer == BucketQueue.Offer.MERGED;
    }

    /** Makes every file waiting in backoff after a failure due now, all buckets; returns their destinations. */
    public java.util.Set<Destination> retryBackingOffNow() {
        java.util.Set<Destination> made = new java.util.HashSet<>();
        for (Lane l : lanes.values()) {
            l.queue.expediteRetries().forEach(key -> made.add(new Destination(l.bucket, key)));
        }
        return made;
    }

    /** Total files waiting and in flight, all buckets. */
    public int backlog() {
        return lanes.values().stream().mapToInt(l -> l.queue.depth() + l.queue.inFlight()).sum();
    }

    /**
     * Stops intake, lets in-flight uploads finish within {@code grace}, then interrupts what is left (those
     * files stay "uploading" in the state store and are checked against S3 at the next start).
     */
    public void shutdown(Duration grace) throws InterruptedException {
        closed = true;
        threads.stopRecording();
        stop(List.copyOf(lanes.values()), grace, "shutdown");
        threads.close(Duration.ofSeconds(5));
    }

    /**
     * Starts carrying the files of a site added while the engine runs; its lanes are made as its files come.
     * A site of the same name must have been removed first.
     */
    public void addSite(Site site) {
        synchronized (this) {
            if (sites.stream().anyMatch(s -> s.name().equals(site.name()))) {
                throw new IllegalArgumentException("a site named " + site.name() + " is running already");
            }
            sites.add(site);
        }
        if (!endpoints.containsKey(site.store().endpoint())) {
            threads.endpointAdded();
        }
    }

    /**
     * Stops carrying a site's files while the engine runs; the other sites go on meanwhile. No change or sweep
     * of its folder is taken any more; uploads under way finish within {@code grace}, and what is left then is
     * interrupted (its {@code UPLOADING} mark has it checked against S3 when the site runs again); what waits
     * in its queues is dropped, to be found by the first sweep of the site when it is added again. Its lanes
     * leave /status. Stop the site's watcher and sweeps first, or they keep bringing files it no longer takes.
     */
    public void removeSite(Site site, Duration grace) throws InterruptedException {
        List<Lane> gone;
        synchronized (this) {
            if (!sites.remove(site)) {
                return;
            }
            gone = lanes.entrySet().stream().filter(e -> e.getKey().site().equals(site)).map(Map.Entry::getValue)
                    .toList();
        }
        stop(gone, grace, site.name() + ": stop");
        lanes.values().removeAll(gone);
        gone.forEach(Lane::leaveEndpoint);
    }

    /**
     * Stops intake of {@code stopping}, lets their uploads under way finish within {@code grace}, then
     * interrupts what is left.
     */
    private static void stop(List<Lane> stopping, Duration grace, String what) throws InterruptedException {
        stopping.forEach(Lane::stopIntake);
        long deadline = System.nanoTime() + grace.toNanos();
        boolean idle = true;
        for (Lane lane : stopping) {
            idle &= lane.awaitIdle(deadline);
        }
        if (!idle) {
            log.warn("{}: grace of {} s ran out; interrupting uploads still in flight (they start again at the next "
                    + "start)", what, grace.toSeconds());
            stopping.forEach(Lane::interruptWorkers);
            long second = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (Lane lane : stopping) {
                lane.awaitIdle(second);
            }
        }
    }

    /** The standard threads for {@code sites}: one probe thread per distinct endpoint. */
    public static EngineThreads standardThreads(List<Site> sites) {
        return EngineThreads.standard((int) sites.stream().map(st -> st.store().endpoint()).distinct().count());
    }

    /** The lane of a bucket of a running site, made on first use; empty once the site was removed. */
    private Optional<Lane> lane(Site site, String bucket) {
        LaneId id = new LaneId(site, bucket);
        Lane existing = lanes.get(id);
        if (existing != null) {
            return Optional.of(existing);
        }
        synchronized (this) {
            if (!sites.contains(site)) {
                return Optional.empty();
            }
            return Optional.of(lanes.computeIfAbsent(id, i -> {
                EndpointHealth endpoint = endpoints.computeIfAbsent(site.store().endpoint(),
                        name -> new EndpointHealth(name, clock, probeBackoff, threads.probes));
                Lane lane = new Lane(site, bucket, settings, uploader, backoff, clock, listener, endpoint,
                        threads.workers);
                if (paused) {
                    lane.queue.pause();
                }
                lane.start();
                return lane;
            }));
        }
    }

    private void recordRejectionOf(Site site, ItemRef item, RouteDecision.Rejected rejected) {
        try {
            Optional<ItemVersion> version = site.source().version(item.item());
            if (version.isPresent()) {
                reject(site, item, rejected, version.get().stat(),
                        records.get(new RecordId(item.source(), item.item(), rejected.bucket())));
            } else if (rejected.failure()) {
                // gone: its failed record is closed, as the worker closes one of a file deleted before its upload
                RecordId id = new RecordId(item.source(), item.item(), rejected.bucket());
                records.get(id).filter(r -> r.status() == FileStatus.FAILED)
                        .ifPresent(r -> records.offer(r.deletedBeforeUpload(clock.instant())));
                log.debug("{}: deleted; it leaves the failed list", item);
                failedFileGone(item.item(), rejected.bucket());
            }
        } catch (IOException | StateStoreException e) {
            log.debug("{}: could not record rejection now ({}); the next sweep will", item, e.getMessage());
        }
    }
}
