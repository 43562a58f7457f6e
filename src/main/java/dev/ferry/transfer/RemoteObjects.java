package dev.ferry.transfer;

import dev.ferry.core.RemoteObject;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** Turns a HeadObject response into a {@link RemoteObject}, so no SDK type leaves this package. */
final class RemoteObjects {
    private RemoteObjects() {
    }

    static RemoteObject from(String bucket, String key, HeadObjectResponse response) {
        Map<String, String> metadata = new TreeMap<>();
        if (response.metadata() != null) {
            response.metadata().forEach((k, v) -> metadata.put(k.toLowerCase(Locale.ROOT), v));
        }
        String etag = S3ObjectStore.unquote(response.eTag());
        long size = response.contentLength() == null ? 0 : response.contentLength();
        String storageClass = response.storageClassAsString();
        return new RemoteObject(bucket, key, size, etag,
                Mtime.parseMillis(metadata.get(S3ObjectStore.META_MTIME)),
                md5Hex(metadata.get(S3ObjectStore.META_MD5), etag),
                storageClass == null || storageClass.isBlank() ? "STANDARD" : storageClass,
                Map.copyOf(metadata), Optional.ofNullable(response.lastModified()));
    }

    /** The content MD5: rclone's md5chksum metadata (base64) when valid, else a plain single-part ETag. */
    static Optional<String> md5Hex(String md5chksum, String etag) {
        if (md5chksum != null) {
            try {
                byte[] digest = Base64.getDecoder().decode(md5chksum.trim());
                if (digest.length == 16) {
                    return Optional.of(LocalFiles.hex(digest));
                }
            } catch (IllegalArgumentException e) {
                // not base64: fall back to the ETag
            }
        }
        if (etag != null && etag.matches("[0-9a-fA-F]{32}")) {
            return Optional.of(etag.toLowerCase(Locale.ROOT));
        }
        return Optional.empty();
    }
}
