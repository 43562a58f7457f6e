package dev.ferry.transfer;

import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import java.io.IOException;
import java.util.Map;
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
    private final Failures failures;

    SinglePartUploader(S3Client s3, Failures failures) {
        this.s3 = s3;
        this.failures = failures;
    }

    PutResult upload(String subject, PutRequest request, long size, String contentType, Map<String, String> metadata) {
        byte[] content = null;
        byte[] md5;
        try {
            if (size <= IN_MEMORY_LIMIT) {
                content = LocalFiles.readExactly(request.file(), size);
                md5 = LocalFiles.md5(content, content.length);
            } else {
                md5 = LocalFiles.md5(request.file(), size);
            }
        } catch (IOException e) {
            throw failures.local(subject, e);
        }
        FileContent fromDisk = content == null ? new FileContent(request.file(), size) : null;
        RequestBody body = content != null
                ? RequestBody.fromBytes(content)
                : RequestBody.fromContentProvider(fromDisk, size, contentType);
        try {
            PutObjectResponse response = s3.putObject(b -> b
                    .bucket(request.bucket())
                    .key(request.key())
                    .contentType(contentType)
                    .contentLength(size)
                    .contentMD5(LocalFiles.base64(md5))
                    .metadata(metadata), body);
            return new PutResult(S3ObjectStore.unquote(response.eTag()), LocalFiles.hex(md5), size, false);
        } catch (RuntimeException e) {
            throw failures.remote(subject, "upload failed", e);
        } finally {
            if (fromDisk != null) {
                fromDisk.close();
            }
        }
    }
}
