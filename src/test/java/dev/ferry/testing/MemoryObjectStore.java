package dev.ferry.testing;

import dev.ferry.core.Checksums;
import dev.ferry.core.DeleteFailure;
import dev.ferry.core.FailureKind;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import dev.ferry.transfer.StorageClasses;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An {@link ObjectStore} held in memory, for unit tests of whatever talks to S3 through that interface (the engine,
 * the sweep, the reconciliation): no sockets, no threads, no waiting. It keeps the contract that
 * {@code ObjectStoreContract} states for every store, S3 included (checked by {@code MemoryObjectStoreTest}), and
 * answers as {@code S3ObjectStore} does: the same {@link FailureKind}s, reasons that start with {@code bucket/key: },
 * keys listed in {@link RemoteEntry#KEY_ORDER}, single-part ETags that are the content's MD5 and multipart ETags
 * that are the MD5 of the parts' MD5s, {@code mtime} and (multipart) {@code md5chksum} metadata.
 *
 * <p>Hooks for tests: {@link #failNext} fails the next requests of an operation with a chosen kind before the store
 * acts; {@link #loseNextResponses} makes the next requests act and then fail (the answer lost on the way, so the
 * caller cannot know); {@link #unreachable} fails every request as a network error; {@link #refuseDeletes} refuses
 * chosen keys of a batch delete one by one; {@link #afterChecksumPass} runs code between the checksum pass over a
 * file and the reading of its body; {@link #alterBodies} flips a byte of the bodies of a key on their way in.
 * {@link #requests} counts requests per operation (a listing makes one per page, a delete one per batch) and
 * {@link #writes} counts how often an object was written. Thread-safe.
 */
public final class MemoryObjectStore implements ObjectStore {
    /** The operations the store counts and can fail. A listing makes one LIST request per page. */
    public enum Request {
        PUT, PUT_BYTES, HEAD, LIST, DELETE, ENSURE_BUCKET, PROBE
    }

    /** An object as stored: its bytes, what HEAD reports, and how it was written. */
    public record Stored(String key, byte[] content, String etag, String md5Hex, String contentType,
            Map<String, String> metadata, String storageClass, Instant lastModified, boolean multipart) {

        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    static final String META_MTIME = "mtime";
    static final String META_MD5 = "md5chksum";
    private static final int MAX_KEY_BYTES = 1024;
    private static final long MAX_OBJECT_SIZE = 5L * 1024 * 1024 * 1024 * 1024;
    private static final int MAX_PUT_BYTES = 16 * 1024 * 1024;
    private static final int MAX_PARTS = 10_000;
    private static final long MIB = 1024 * 1024;
    private static final int DELETE_BATCH = 1000;

    private final Map<String, NavigableMap<String, Stored>> buckets = new ConcurrentHashMap<>();
    private final Map<Request, AtomicInteger> requests = new EnumMap<>(Request.class);
    private final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
    private final Map<Request, Fault> failNext = new EnumMap<>(Request.class);
    private final Map<Request, Fault> loseNext = new EnumMap<>(Request.class);
    private final Map<String, Consumer<String>> afterChecksumPass = new ConcurrentHashMap<>();
    private final Set<String> alteredKeys = ConcurrentHashMap.newKeySet();
    private volatile Predicate<String> refuseDeletes = key -> false;
    private volatile boolean unreachable;
    private volatile String endpoint = "memory://s3";
    private volatile long multipartThreshold = 5 * MIB;
    private volatile long partSize = 5 * MIB;
    private volatile int pageSize = 1000;
    private volatile Clock clock = Clock.systemUTC();

    private static final class Fault {
        int remaining;
        final FailureKind kind;

        Fault(int remaining, FailureKind kind) {
            this.remaining = remaining;
            this.kind = kind;
        }
    }

    public MemoryObjectStore() {
        for (Request r : Request.values()) {
            requests.put(r, new AtomicInteger());
        }
    }

    // ---- settings ----

    /** The endpoint it reports: stores with the same endpoint share outages in the engine. */
    public MemoryObjectStore withEndpoint(String value) {
        endpoint = Objects.requireNonNull(value);
        return this;
    }

    /** Files of {@code threshold} bytes or more go up "in parts" of {@code parts} bytes (default 5 MiB, 5 MiB). */
    public MemoryObjectStore withMultipart(long threshold, long parts) {
        if (threshold < 1 || parts < 1) {
            throw new IllegalArgumentException("threshold and part size must be positive");
        }
        multipartThreshold = threshold;
        partSize = parts;
        return this;
    }

    /** Keys per listing page (default 1,000, as S3). */
    public MemoryObjectStore withPageSize(int value) {
        if (value < 1 || value > 1000) {
            throw new IllegalArgumentException("page size must be between 1 and 1000, got " + value);
        }
        pageSize = value;
        return this;
    }

    /** The clock of the objects' last-modified times. */
    public MemoryObjectStore withClock(Clock value) {
        clock = Objects.requireNonNull(value);
        return this;
    }

    // ---- the world behind the store's back ----

    /** Creates a bucket (no request is counted); nothing happens when it exists. */
    public MemoryObjectStore createBucket(String bucket) {
        buckets.computeIfAbsent(bucket, b -> new ConcurrentSkipListMap<>(RemoteEntry.KEY_ORDER));
        return this;
    }

    /** Removes a bucket and its objects, as another client could. */
    public void dropBucket(String bucket) {
        buckets.remove(bucket);
    }

    public boolean hasBucket(String bucket) {
        return buckets.containsKey(bucket);
    }

    /** The object as stored, or empty. */
    public Optional<Stored> object(String bucket, String key) {
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        return objects == null ? Optional.empty() : Optional.ofNullable(objects.get(key));
    }

    /** The keys of a bucket in listing order (none when it does not exist). */
    public List<String> keys(String bucket) {
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        return objects == null ? List.of() : List.copyOf(objects.keySet());
    }

    // ---- faults and counts ----

    /** The next {@code n} requests of {@code op} fail with {@code kind} before the store acts (replaces an earlier call). */
    public MemoryObjectStore failNext(Request op, int n, FailureKind kind) {
        synchronized (failNext) {
            failNext.put(op, new Fault(n, Objects.requireNonNull(kind)));
        }
        return this;
    }

    /** The next {@code n} puts of files fail with {@code kind} (a 5xx is {@link FailureKind#RETRYABLE}). */
    public MemoryObjectStore failNextPuts(int n, FailureKind kind) {
        return failNext(Request.PUT, n, kind);
    }

    /**
     * The next {@code n} requests of {@code op} act (an object is stored, keys are deleted) and then fail as
     * {@link FailureKind#UNREACHABLE}: the answer was lost, the caller cannot tell that it worked.
     */
    public MemoryObjectStore loseNextResponses(Request op, int n) {
        synchronized (loseNext) {
            loseNext.put(op, new Fault(n, FailureKind.UNREACHABLE));
        }
        return this;
    }

    /** While on, every request fails as {@link FailureKind#UNREACHABLE} (connection refused), probes included. */
    public MemoryObjectStore unreachable(boolean on) {
        unreachable = on;
        return this;
    }

    /** Keys that batch deletes refuse one by one ("AccessDenied: Access Denied"), the rest of the batch going. */
    public MemoryObjectStore refuseDeletes(Predicate<String> which) {
        refuseDeletes = Objects.requireNonNull(which);
        return this;
    }

    /**
     * Runs {@code hook} once, with the key, when a put of {@code key} has checksummed its file and before it reads
     * the body it sends: the moment a file rewritten under an upload is caught by the server's Content-MD5 check.
     */
    public MemoryObjectStore afterChecksumPass(String key, Consumer<String> hook) {
        afterChecksumPass.put(key, hook);
        return this;
    }

    /**
     * While on, the first byte of every body sent for {@code key} is flipped on its way in, as a faulty link would:
     * the store refuses the body, since it does not match its Content-MD5.
     */
    public MemoryObjectStore alterBodies(String key, boolean on) {
        if (on) {
            alteredKeys.add(key);
        } else {
            alteredKeys.remove(key);
        }
        return this;
    }

    /** Requests of {@code op} so far, failed ones included. */
    public int requests(Request op) {
        return requests.get(op).get();
    }

    /** How many times an object was written to {@code bucket/key}, whether or not its writer heard so. */
    public int writes(String bucket, String key) {
        AtomicInteger n = writes.get(bucket + "/" + key);
        return n == null ? 0 : n.get();
    }

    // ---- ObjectStore ----

    @Override
    public PutResult put(PutRequest request) {
        String subject = subject(request.bucket(), request.key());
        checkKey(subject, request.key());
        long size;
        try {
            size = request.size() >= 0 ? request.size() : request.content().currentLength();
        } catch (IOException e) {
            throw local(subject, e);
        }
        if (size > MAX_OBJECT_SIZE) {
            throw new TransferException(FailureKind.PERMANENT, subject + ": file is " + size
                    + " bytes, larger than S3's limit of 5 TiB per object");
        }
        UploadOptions options = checked(subject, request.options());
        boolean multipart = size >= multipartThreshold;
        String what = multipart ? "multipart upload failed" : "upload failed";
        long parts = partSizeFor(size);
        byte[] checksumPass;
        try {
            checksumPass = read(request, size);
        } catch (IOException e) {
            throw local(subject, e);
        }
        byte[] md5 = md5(checksumPass);
        admit(Request.PUT, subject, what);
        requireBucket(request.bucket(), subject, what);
        Consumer<String> hook = afterChecksumPass.remove(request.key());
        if (hook != null) {
            hook.accept(request.key());
        }
        byte[] body;
        try {
            body = read(request, size);
        } catch (IOException e) {
            throw local(subject, e);
        }
        if (alteredKeys.contains(request.key()) && body.length > 0) {
            body[0] ^= 1;
        }
        if (!MessageDigest.isEqual(md5, md5(body))) {
            throw new TransferException(FailureKind.RETRYABLE, subject + ": " + what
                    + ": content changed while uploading (BadDigest: the Content-MD5 you specified did not match"
                    + " what we received)");
        }
        Map<String, String> metadata = new TreeMap<>();
        metadata.put(META_MTIME, formatMtime(request.mtimeMillis()));
        options.storageClass().ifPresent(c -> metadata.put(UploadOptions.META_STORAGE_CLASS, c));
        String etag = Checksums.hex(md5);
        if (multipart) {
            metadata.put(META_MD5, Base64.getEncoder().encodeToString(md5));
            etag = multipartEtag(body, parts);
        }
        Stored stored = new Stored(request.key(), body, etag, Checksums.hex(md5), "application/octet-stream",
                Map.copyOf(metadata), options.storageClass().orElse("STANDARD"), clock.instant(), multipart);
        store(request.bucket(), stored);
        lose(Request.PUT, subject, what);
        return new PutResult(etag, Checksums.hex(md5), size, multipart);
    }

    @Override
    public PutResult putBytes(String bucket, String key, byte[] content, String contentType, UploadOptions options) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(contentType, "contentType");
        String subject = subject(bucket, key);
        checkKey(subject, key);
        if (content.length > MAX_PUT_BYTES) {
            throw new TransferException(FailureKind.PERMANENT, subject + ": " + content.length
                    + " bytes is too large for putBytes (at most " + MAX_PUT_BYTES + "): write a file and put it");
        }
        UploadOptions checked = checked(subject, options);
        byte[] md5 = md5(content);
        admit(Request.PUT_BYTES, subject, "upload failed");
        requireBucket(bucket, subject, "upload failed");
        byte[] body = content.clone();
        if (alteredKeys.contains(key) && body.length > 0) {
            body[0] ^= 1;
        }
        if (!MessageDigest.isEqual(md5, md5(body))) {
            throw new TransferException(FailureKind.RETRYABLE, subject + ": upload failed: content changed while "
                    + "uploading (BadDigest: the Content-MD5 you specified did not match what we received)");
        }
        String hex = Checksums.hex(md5);
        store(bucket, new Stored(key, body, hex, hex, contentType, Map.of(),
                checked.storageClass().orElse("STANDARD"), clock.instant(), false));
        lose(Request.PUT_BYTES, subject, "upload failed");
        return new PutResult(hex, hex, content.length, false);
    }

    @Override
    public Optional<RemoteObject> head(String bucket, String key) {
        String subject = subject(bucket, key);
        checkKey(subject, key);
        admit(Request.HEAD, subject, "cannot read object metadata");
        // a HEAD answer has no body: S3 cannot say whether the key or the bucket is missing, and neither does this
        return object(bucket, key).map(o -> new RemoteObject(bucket, key, o.content().length, o.etag(),
                parseMtime(o.metadata().get(META_MTIME)), md5Hex(o), o.storageClass(), o.metadata()));
    }

    @Override
    public Stream<RemoteEntry> list(String bucket, String prefix) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Listing listing = new Listing(bucket, prefix, pageSize);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(listing,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT), false);
    }

    @Override
    public List<DeleteFailure> delete(String bucket, Collection<String> keys) {
        Objects.requireNonNull(bucket, "bucket");
        List<DeleteFailure> refused = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        for (String key : keys) {
            String invalid = invalid(key);
            if (invalid != null) {
                refused.add(new DeleteFailure(String.valueOf(key), invalid));
                continue;
            }
            batch.add(key);
            if (batch.size() == DELETE_BATCH) {
                deleteBatch(bucket, batch, refused);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            deleteBatch(bucket, batch, refused);
        }
        return List.copyOf(refused);
    }

    private void deleteBatch(String bucket, List<String> batch, List<DeleteFailure> refused) {
        String what = "cannot delete " + batch.size() + (batch.size() == 1 ? " object" : " objects");
        admit(Request.DELETE, bucket, what);
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        if (objects == null) {
            throw new TransferException(FailureKind.NO_SUCH_BUCKET, bucket + ": " + what
                    + ": bucket does not exist (HTTP 404 NoSuchBucket)");
        }
        Predicate<String> refuse = refuseDeletes;
        for (String key : batch) {
            if (refuse.test(key)) {
                refused.add(new DeleteFailure(key, "AccessDenied: Access Denied"));
            } else {
                objects.remove(key);
            }
        }
        lose(Request.DELETE, bucket, what);
    }

    @Override
    public void ensureBucket(String bucket, boolean create) {
        admit(Request.ENSURE_BUCKET, bucket, "cannot check bucket");
        if (buckets.containsKey(bucket)) {
            return;
        }
        if (!create) {
            throw new TransferException(FailureKind.PERMANENT,
                    "bucket " + bucket + " does not exist and create_buckets is off");
        }
        createBucket(bucket);
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public void probe(String bucket) {
        try {
            admit(Request.PROBE, endpoint, "probe of bucket " + bucket);
        } catch (TransferException e) {
            if (e.kind() == FailureKind.UNREACHABLE) {
                throw e;
            }
            // it answered, whatever the answer
        }
    }

    @Override
    public void close() {
        // nothing held
    }

    // ---- internals ----

    /** Counts a request; fails it as the store is unreachable or as a test asked. */
    private void admit(Request op, String subject, String what) {
        requests.get(op).incrementAndGet();
        if (unreachable) {
            throw new TransferException(FailureKind.UNREACHABLE, subject + ": " + what
                    + ": network error: Connection refused (" + endpoint + " is unreachable)");
        }
        FailureKind kind = take(failNext, op);
        if (kind != null) {
            throw injected(kind, subject, what);
        }
    }

    /** After the store acted: the answer is lost when a test asked so. */
    private void lose(Request op, String subject, String what) {
        if (take(loseNext, op) != null) {
            throw new TransferException(FailureKind.UNREACHABLE, subject + ": " + what
                    + ": network error: the connection was reset before the answer came (" + endpoint + ")");
        }
    }

    private static FailureKind take(Map<Request, Fault> faults, Request op) {
        synchronized (faults) {
            Fault f = faults.get(op);
            if (f == null || f.remaining <= 0) {
                return null;
            }
            f.remaining--;
            return f.kind;
        }
    }

    private static TransferException injected(FailureKind kind, String subject, String what) {
        String why = switch (kind) {
            case RETRYABLE -> "server error (HTTP 500 InternalError)";
            case UNREACHABLE -> "server busy (HTTP 503 SlowDown)";
            case CREDENTIALS_REFUSED -> "credentials refused: the secret key was refused (HTTP 403 SignatureDoesNotMatch)";
            case NO_SUCH_BUCKET -> "bucket does not exist (HTTP 404 NoSuchBucket)";
            case PERMANENT -> "rejected: injected (HTTP 400 InvalidRequest)";
        };
        return new TransferException(kind, subject + ": " + what + ": " + why);
    }

    private void requireBucket(String bucket, String subject, String what) {
        if (!buckets.containsKey(bucket)) {
            throw new TransferException(FailureKind.NO_SUCH_BUCKET, subject + ": " + what
                    + ": bucket does not exist (HTTP 404 NoSuchBucket)");
        }
    }

    private void store(String bucket, Stored stored) {
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        if (objects == null) {
            throw new TransferException(FailureKind.NO_SUCH_BUCKET, subject(bucket, stored.key())
                    + ": upload failed: bucket does not exist (HTTP 404 NoSuchBucket)");
        }
        objects.put(stored.key(), stored);
        writes.computeIfAbsent(bucket + "/" + stored.key(), k -> new AtomicInteger()).incrementAndGet();
    }

    /** Reads exactly {@code size} bytes of the request's content; content of another length changed while uploading. */
    private static byte[] read(PutRequest request, long size) throws IOException {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException("too large for a store in memory: " + size + " bytes");
        }
        byte[] content;
        try (InputStream in = request.content().open(0, size)) {
            content = in.readAllBytes();
        }
        if (content.length != size) {
            throw new ChangedWhileUploading("file is " + content.length + " bytes, expected " + size);
        }
        return content;
    }

    private static final class ChangedWhileUploading extends IOException {
        ChangedWhileUploading(String message) {
            super(message);
        }
    }

    private static TransferException local(String subject, IOException e) {
        if (e instanceof ChangedWhileUploading) {
            return new TransferException(FailureKind.RETRYABLE, subject + ": changed while uploading: "
                    + e.getMessage(), e);
        }
        if (e instanceof NoSuchFileException) {
            return new TransferException(FailureKind.PERMANENT, subject
                    + ": file vanished before it could be uploaded", e);
        }
        if (e instanceof AccessDeniedException) {
            return new TransferException(FailureKind.RETRYABLE, subject + ": cannot read file: permission denied", e);
        }
        return new TransferException(FailureKind.RETRYABLE, subject + ": cannot read file: " + e.getMessage(), e);
    }

    private static UploadOptions checked(String subject, UploadOptions options) {
        if (options.storageClass().isEmpty()) {
            return options;
        }
        try {
            return new UploadOptions(Optional.of(StorageClasses.requireKnown(options.storageClass().get())),
                    options.serverSideEncryption(), options.kmsKeyId());
        } catch (IllegalArgumentException e) {
            throw new TransferException(FailureKind.RETRYABLE, subject + ": " + e.getMessage());
        }
    }

    private static void checkKey(String subject, String key) {
        String invalid = invalid(key);
        if (invalid != null) {
            throw new TransferException(FailureKind.PERMANENT, subject + ": " + invalid);
        }
    }

    private static String invalid(String key) {
        if (key == null || key.isEmpty()) {
            return "the key is empty";
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            return "key too long: " + bytes + " bytes in UTF-8, S3 allows at most " + MAX_KEY_BYTES;
        }
        return null;
    }

    private long partSizeFor(long size) {
        long needed = (size + MAX_PARTS - 1) / MAX_PARTS;
        return needed <= partSize ? partSize : (needed + MIB - 1) / MIB * MIB;
    }

    private static String multipartEtag(byte[] content, long partSize) {
        try (InputStream in = new ByteArrayInputStream(content)) {
            List<byte[]> parts = Checksums.partMd5s(in, partSize, null);
            MessageDigest ofParts = Checksums.newMd5();
            parts.forEach(ofParts::update);
            return Checksums.hex(ofParts.digest()) + "-" + parts.size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] md5(byte[] content) {
        return Checksums.newMd5().digest(content);
    }

    private static Optional<String> md5Hex(Stored o) {
        String chk = o.metadata().get(META_MD5);
        if (chk != null) {
            return Optional.of(Checksums.hex(Base64.getDecoder().decode(chk)));
        }
        return o.etag().matches("[0-9a-f]{32}") ? Optional.of(o.etag()) : Optional.empty();
    }

    /** rclone's mtime: seconds since the epoch as a decimal, trailing zeros dropped. */
    static String formatMtime(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }

    static Optional<Long> parseMtime(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BigDecimal(value).movePointRight(3).longValue());
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    static String subject(String bucket, String key) {
        return bucket + "/" + key;
    }

    /** A listing fetched a page at a time as it is consumed, each page one counted LIST request. */
    private final class Listing implements Iterator<RemoteEntry> {
        private final String bucket;
        private final String prefix;
        private final int size;
        private Iterator<RemoteEntry> page = Collections.emptyIterator();
        private String after;
        private boolean lastPage;

        Listing(String bucket, String prefix, int size) {
            this.bucket = bucket;
            this.prefix = prefix;
            this.size = size;
        }

        @Override
        public boolean hasNext() {
            while (!page.hasNext()) {
                if (lastPage) {
                    return false;
                }
                fetch();
            }
            return true;
        }

        @Override
        public RemoteEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.next();
        }

        private void fetch() {
            String subject = bucket + "/" + prefix;
            admit(Request.LIST, subject, "cannot list objects");
            NavigableMap<String, Stored> objects = buckets.get(bucket);
            if (objects == null) {
                throw new TransferException(FailureKind.NO_SUCH_BUCKET, subject
                        + ": cannot list objects: bucket does not exist (HTTP 404 NoSuchBucket)");
            }
            NavigableMap<String, Stored> from = after == null ? objects.tailMap(prefix, true)
                    : objects.tailMap(after, false);
            List<RemoteEntry> entries = new ArrayList<>();
            Iterator<Stored> it = from.values().iterator();
            int counted = 0;
            lastPage = true;
            while (it.hasNext()) {
                Stored o = it.next();
                if (!o.key().startsWith(prefix)) {
                    break;
                }
                if (counted == size) {
                    lastPage = false;
                    break;
                }
                counted++;
                after = o.key();
                if (!(o.key().endsWith("/") && o.content().length == 0)) {
                    entries.add(new RemoteEntry(o.key(), o.content().length, o.etag(), o.lastModified(),
                            o.storageClass()));
                }
            }
            page = entries.iterator();
        }
    }

    /** Lower-case names of the requests made so far, for failure messages of tests. */
    @Override
    public String toString() {
        Map<String, Integer> counts = new HashMap<>();
        requests.forEach((op, n) -> counts.put(op.name().toLowerCase(Locale.ROOT), n.get()));
        return "MemoryObjectStore" + new TreeMap<>(counts);
    }
}
