package dev.ferry.transfer;

import dev.ferry.core.UploadOptions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * What travels with a copied object besides its bytes, read from the source's HEAD (or GET): content type, user
 * metadata and the cache headers (Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires),
 * applied to the copy's request with Ferry's copy metadata added.
 */
record SourceObject(long size, String etag, Optional<String> contentType, Map<String, String> metadata,
        Optional<String> cacheControl, Optional<String> contentDisposition, Optional<String> contentEncoding,
        Optional<String> contentLanguage, Optional<Instant> expires, Optional<String> storageClass) {

    static SourceObject of(HeadObjectResponse h) {
        return of(h.contentLength(), h.eTag(), h.contentType(), h.metadata(), h.cacheControl(), h.contentDisposition(),
                h.contentEncoding(), h.contentLanguage(), h.expires(), h.storageClassAsString());
    }

    /** The same from a GET of the whole object, which answers with every header a HEAD does. */
    static SourceObject of(GetObjectResponse g) {
        return of(g.contentLength(), g.eTag(), g.contentType(), g.metadata(), g.cacheControl(), g.contentDisposition(),
                g.contentEncoding(), g.contentLanguage(), g.expires(), g.storageClassAsString());
    }

    private static SourceObject of(long size, String etag, String contentType, Map<String, String> metadata,
            String cacheControl, String contentDisposition, String contentEncoding, String contentLanguage,
            Instant expires, String storageClass) {
        return new SourceObject(size, S3ObjectStore.unquote(etag), Optional.ofNullable(contentType),
                metadata == null ? Map.of() : Map.copyOf(metadata), Optional.ofNullable(cacheControl),
                Optional.ofNullable(contentDisposition), Optional.ofNullable(contentEncoding),
                Optional.ofNullable(contentLanguage), Optional.ofNullable(expires), Optional.ofNullable(storageClass));
    }

    /** The source's user metadata with {@code added} on top. */
    Map<String, String> metadataWith(Map<String, String> added) {
        Map<String, String> m = new HashMap<>(metadata);
        // a source that is itself a copy (a chain of jobs) carries what its own copy recorded of its source: that
        // describes another object, and its event sequencer would make this copy's newer events look older
        m.keySet().removeIf(k -> k.toLowerCase(java.util.Locale.ROOT).startsWith(COPY_RECORD_PREFIX));
        m.putAll(added);
        return m;
    }

    /** The user metadata a replication copy records of its source ({@code ferry-source-etag}, -md5, -sequencer). */
    static final String COPY_RECORD_PREFIX = "ferry-source-";

    /**
     * The copy's PUT of {@code r}: its destination, what travels from the source, Ferry's metadata, the
     * destination's options (its storage class, else the source's) and the source's tags.
     */
    PutObjectRequest.Builder copyTo(PutObjectRequest.Builder b, CopyRequest r, UploadOptions options,
            Map<String, String> tags) {
        b.bucket(r.destinationBucket()).key(r.destinationKey()).metadata(metadataWith(r.addedMetadata()));
        contentType.ifPresent(b::contentType);
        cacheControl.ifPresent(b::cacheControl);
        contentDisposition.ifPresent(b::contentDisposition);
        contentEncoding.ifPresent(b::contentEncoding);
        contentLanguage.ifPresent(b::contentLanguage);
        expires.ifPresent(b::expires);
        ObjectOptions.apply(options, b);
        if (options.storageClass().isEmpty()) {
            storageClass.ifPresent(b::storageClass);
        }
        Tags.header(tags).ifPresent(b::tagging);
        return b;
    }

    /** The same for the start of a multipart copy (the SDK's two builders share no type). */
    CreateMultipartUploadRequest.Builder copyTo(CreateMultipartUploadRequest.Builder b, CopyRequest r,
            UploadOptions options, Map<String, String> tags) {
        b.bucket(r.destinationBucket()).key(r.destinationKey()).metadata(metadataWith(r.addedMetadata()));
        contentType.ifPresent(b::contentType);
        cacheControl.ifPresent(b::cacheControl);
        contentDisposition.ifPresent(b::contentDisposition);
        contentEncoding.ifPresent(b::contentEncoding);
        contentLanguage.ifPresent(b::contentLanguage);
        expires.ifPresent(b::expires);
        ObjectOptions.apply(options, b);
        if (options.storageClass().isEmpty()) {
            storageClass.ifPresent(b::storageClass);
        }
        Tags.header(tags).ifPresent(b::tagging);
        return b;
    }
}
