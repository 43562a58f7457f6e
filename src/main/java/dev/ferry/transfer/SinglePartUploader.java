package dev.ferry.transfer;

import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.UploadOptions;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * One PutObject with Content-MD5, which S3 verifies. Files up to {@link #IN_MEMORY_LIMIT} are read once into
 * memory; larger ones are read once for the MD5 and streamed from disk for the upload.
 */
final class SinglePartUploader {
    static final long IN_MEMORY_LIMIT = S3Settings.MIB;

    private final S3Client s3;
    private final Optional<DirectPut> direct;
    private final Failures failures;
    private final UploadBodies bodies;

    SinglePartUploader(S3Client s3, Optional<DirectPut> direct, Failures failures, UploadBodies bodies) {
        this.s3 = s3;
        this.direct = direct;
        this.failures = failures;
        this.bodies = bodies;
    }

    PutResult upload(String subject, PutRequest request, long size, String contentType, Map<String, String> metadata,
            UploadOptions options) {
        byte[] content = null;
        byte[] md5;
        try {
            if (size <= IN_MEMORY_LIMIT) {
                content = LocalFiles.readExactly(request.content(), size);
                md5 = LocalFiles.md5(content, content.length);
            } else {
                md5 = LocalFiles.md5(request.content(), size);
            }
        } catch (IOException e) {
            throw failures.local(subject, e);
        }
        if (content != null) {
            return send(subject, new Target(request.bucket(), request.key(), contentType, metadata, options),
                    md5, content);
        }
        try (FileContent fromDisk = new FileContent(request.content(), size)) {
            return send(subject, new Target(request.bucket(), request.key(), contentType, metadata, options),
                    md5, size, bodies.of(fromDisk, size, contentType));
        }
    }

    PutResult upload(String subject, String bucket, String key, byte[] content, String contentType,
            UploadOptions options) {
        byte[] md5 = LocalFiles.md5(content, content.length);
        return send(subject, new Target(bucket, key, contentType, Map.of(), options), md5, content);
    }

    /** A body in memory: a {@link DirectPut} when there is one and it succeeds, else through the SDK. */
    private PutResult send(String subject, Target target, byte[] md5, byte[] content) {
        if (direct.isPresent()) {
            try {
                Optional<String> etag = direct.get().put(target.bucket(), target.key(), content,
                        LocalFiles.base64(md5), target.contentType(), target.metadata(), target.options());
                if (etag.isPresent()) {
                    return new PutResult(etag.get(), LocalFiles.hex(md5), content.length, false);
                }
            } catch (IOException e) {
                throw failures.remote(subject, "upload failed", e);
            }
        }
        return send(subject, target, md5, content.length, bodies.of(content, target.contentType()));
    }

    private PutResult send(String subject, Target target, byte[] md5, long size, RequestBody body) {
        try {
            PutObjectResponse response = s3.putObject(b -> {
                ObjectOptions.apply(target.options(), b
                        .bucket(target.bucket())
                        .key(target.key())
                        .contentType(target.contentType())
                        .contentLength(size)
                        .contentMD5(LocalFiles.base64(md5))
                        .metadata(target.metadata()));
                bodies.override(size).ifPresent(b::overrideConfiguration);
            }, body);
            return new PutResult(S3ObjectStore.unquote(response.eTag()), LocalFiles.hex(md5), size, false);
        } catch (RuntimeException e) {
            throw failures.remote(subject, "upload failed", e);
        }
    }

    private record Target(String bucket, String key, String contentType, Map<String, String> metadata,
            UploadOptions options) {
    }
}
