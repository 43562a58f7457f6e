package dev.ferry.transfer;

import dev.ferry.core.UploadOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

/**
 * Copies an object between two buckets that one set of credentials reaches on one endpoint, without the bytes
 * leaving the server: {@code CopyObject} up to 5 GiB, {@code UploadPartCopy} above. The metadata is replaced
 * (that is how Ferry's copy metadata is added), so the content type, the user metadata and the cache headers
 * are read from the source's HEAD and sent again; tags travel by CopyObject's default (the tagging directive COPY,
 * left out: S3-compatible servers such as S3Proxy refuse the header, 501) or are read and set on the multipart upload. Every request is conditional on the source ETag of that HEAD, so
 * a source rewritten during the copy fails the copy (412) instead of mixing two versions.
 *
 * <p>A request that names the version to copy and adds no metadata is one {@code CopyObject} and nothing else:
 * metadata, tags and headers copied as they are (CopyObject's default directives, COPY), conditional on the named ETag, the storage
 * class the caller's options give. A full sync of single-part objects so costs one request per object, not a
 * HEAD before each.
 */
public final class ServerSideCopier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerSideCopier.class);

    private final S3Client s3;
    private final Optional<DirectPut> direct;
    private final AutoCloseable owned;
    private final Failures failures;
    private final long partCopyThreshold;
    private final long partSize;

    ServerSideCopier(S3Client s3, boolean ownsClient, Failures failures, long partCopyThreshold, long partSize) {
        this(s3, Optional.empty(), ownsClient ? s3 : () -> { }, failures, partCopyThreshold, partSize);
    }

    private ServerSideCopier(S3Client s3, Optional<DirectPut> direct, AutoCloseable owned, Failures failures,
            long partCopyThreshold, long partSize) {
        this.s3 = s3;
        this.direct = direct;
        this.owned = owned;
        this.failures = failures;
        this.partCopyThreshold = partCopyThreshold;
        this.partSize = partSize;
    }

    /** A copier over {@code connection}, which it closes. */
    static ServerSideCopier over(S3Clients.Connection connection, Failures failures, long partCopyThreshold,
            long partSize) {
        return new ServerSideCopier(connection.s3(), connection.direct(), connection, failures, partCopyThreshold,
                partSize);
    }

    /**
     * A copier with its own client for {@code settings} (the credentials that reach both buckets); a copy as it is
     * goes as a {@link DirectPut#copy} where the store's uploads would go as direct PUTs.
     */
    public static ServerSideCopier create(S3Settings settings) {
        return over(S3Clients.connect(settings), new Failures(settings.secretKey().stream().toList()),
                CopyPartPlan.MAX_SINGLE_COPY, settings.partSize());
    }

    /** Copies one object; throws {@link dev.ferry.core.TransferException} classified as uploads are. */
    public CopyResult copy(CopyRequest r) {
        String subject = r.subject();
        UploadOptions options = ObjectOptions.checked(subject, r.options());
        if (r.addedMetadata().isEmpty() && r.version().isPresent()
                && r.version().get().size() <= partCopyThreshold) {
            return asItIs(subject, r, r.version().get(), options);
        }
        SourceObject src;
        try {
            src = SourceObject.of(s3.headObject(b -> b.bucket(r.sourceBucket()).key(r.sourceKey())));
        } catch (RuntimeException e) {
            throw failures.remote(subject, "cannot read the source object", e);
        }
        r.expect(src.etag());
        return src.size() > partCopyThreshold ? inParts(subject, r, src, options) : whole(subject, r, src, options);
    }

    private CopyResult whole(String subject, CopyRequest r, SourceObject src, UploadOptions options) {
        CopyObjectRequest.Builder b = CopyObjectRequest.builder().sourceBucket(r.sourceBucket()).sourceKey(r.sourceKey())
                .destinationBucket(r.destinationBucket()).destinationKey(r.destinationKey())
                .copySourceIfMatch(quoted(src.etag()))
                .metadataDirective(MetadataDirective.REPLACE).metadata(src.metadataWith(r.addedMetadata()));
        src.contentType().ifPresent(b::contentType);
        src.cacheControl().ifPresent(b::cacheControl);
        src.contentDisposition().ifPresent(b::contentDisposition);
        src.contentEncoding().ifPresent(b::contentEncoding);
        src.contentLanguage().ifPresent(b::contentLanguage);
        src.expires().ifPresent(b::expires);
        options.storageClass().or(src::storageClass).ifPresent(b::storageClass);
        options.serverSideEncryption().ifPresent(b::serverSideEncryption);
        options.kmsKeyId().ifPresent(b::ssekmsKeyId);
        try {
            String etag = s3.copyObject(b.build()).copyObjectResult().eTag();
            log.debug("{}: copied {} bytes on the server", subject, src.size());
            return new CopyResult(src.etag(), S3ObjectStore.unquote(etag), src.size(), 1, true);
        } catch (RuntimeException e) {
            throw failures.remote(subject, "server-side copy failed", e);
        }
    }

    /** One CopyObject of the named version, its metadata and tags copied as they are. */
    private CopyResult asItIs(String subject, CopyRequest r, CopyRequest.Version v, UploadOptions options) {
        if (direct.isPresent()) {
            try {
                Optional<String> etag = direct.get().copy(r.sourceBucket(), r.sourceKey(), v.etag(),
                        r.destinationBucket(), r.destinationKey(), options);
                if (etag.isPresent()) {
                    log.debug("{}: copied {} bytes on the server, metadata as it is", subject, v.size());
                    return new CopyResult(v.etag(), etag.get(), v.size(), 1, true);
                }
            } catch (java.io.IOException e) {
                throw failures.remote(subject, "server-side copy failed", e);
            }
        }
        CopyObjectRequest.Builder b = CopyObjectRequest.builder().sourceBucket(r.sourceBucket()).sourceKey(r.sourceKey())
                .destinationBucket(r.destinationBucket()).destinationKey(r.destinationKey())
                .copySourceIfMatch(quoted(v.etag()));
        options.storageClass().ifPresent(b::storageClass);
        options.serverSideEncryption().ifPresent(b::serverSideEncryption);
        options.kmsKeyId().ifPresent(b::ssekmsKeyId);
        try {
            String etag = s3.copyObject(b.build()).copyObjectResult().eTag();
            log.debug("{}: copied {} bytes on the server, metadata as it is", subject, v.size());
            return new CopyResult(v.etag(), S3ObjectStore.unquote(etag), v.size(), 1, true);
        } catch (RuntimeException e) {
            throw failures.remote(subject, "server-side copy failed", e);
        }
    }

    private CopyResult inParts(String subject, CopyRequest r, SourceObject src, UploadOptions options) {
        Map<String, String> tags = Tags.read(s3, r.sourceBucket(), r.sourceKey(), subject, failures);
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> src.copyTo(b, r, options, tags)).uploadId();
        } catch (RuntimeException e) {
            throw failures.remote(subject, "cannot start multipart copy", e);
        }
        try {
            List<CompletedPart> done = new ArrayList<>();
            for (CopyPartPlan.Part p : CopyPartPlan.parts(src.size(), partSize)) {
                String etag = s3.uploadPartCopy(b -> b.sourceBucket(r.sourceBucket()).sourceKey(r.sourceKey())
                        .destinationBucket(r.destinationBucket()).destinationKey(r.destinationKey())
                        .uploadId(uploadId).partNumber(p.number()).copySourceRange(p.range())
                        .copySourceIfMatch(quoted(src.etag()))).copyPartResult().eTag();
                done.add(CompletedPart.builder().partNumber(p.number()).eTag(etag).build());
            }
            String etag = s3.completeMultipartUpload(b -> b.bucket(r.destinationBucket()).key(r.destinationKey())
                    .uploadId(uploadId).multipartUpload(m -> m.parts(done))).eTag();
            log.debug("{}: copied {} bytes on the server in {} parts", subject, src.size(), done.size());
            return new CopyResult(src.etag(), S3ObjectStore.unquote(etag), src.size(), done.size(), true);
        } catch (RuntimeException e) {
            MultipartAbort.abort(s3, r.destinationBucket(), r.destinationKey(), uploadId, subject, failures);
            throw failures.remote(subject, "multipart server-side copy failed", e);
        }
    }

    /** Copies made as a {@link DirectPut#copy}, for tests. */
    long directCopies() {
        return direct.map(DirectPut::stored).orElse(0L);
    }

    static String quoted(String etag) {
        return "\"" + etag + "\"";
    }

    @Override
    public void close() {
        try {
            owned.close();
        } catch (Exception e) {
            log.debug("closing the copier's client failed: {}", e.toString());
        }
    }
}
