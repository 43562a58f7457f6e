package dev.ferry.transfer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Object tags for copies that cannot use the tagging directive COPY (multipart copies, copies across
 * accounts): read from the source, sent as the {@code x-amz-tagging} header of the copy's first request. A
 * server that does not implement tagging (501) gives no tags, with a warning, rather than failing the copy.
 */
final class Tags {
    private static final Logger log = LoggerFactory.getLogger(Tags.class);

    /** The clients of source servers found not to implement tagging (forgotten with their client). */
    private static final java.util.Set<S3Client> UNTAGGED = java.util.Collections.newSetFromMap(
            new java.util.WeakHashMap<>());

    private Tags() {
    }

    static Map<String, String> read(S3Client s3, String bucket, String key, String subject, Failures failures) {
        try {
            Map<String, String> tags = new LinkedHashMap<>();
            for (Tag t : s3.getObjectTagging(b -> b.bucket(bucket).key(key)).tagSet()) {
                tags.put(t.key(), t.value());
            }
            return tags;
        } catch (S3Exception e) {
            if (e.statusCode() == 501) {
                // said once per source server: its every multipart or cross-account copy would say it again
                boolean first;
                synchronized (UNTAGGED) {
                    first = UNTAGGED.add(s3);
                }
                (first ? log.atWarn() : log.atDebug()).log("{}: the source server does not implement object tagging; "
                        + "the copy has no tags{}", subject, first ? " (said once for this server)" : "");
                return Map.of();
            }
            throw failures.remote(subject, "cannot read the source object's tags", e);
        } catch (RuntimeException e) {
            throw failures.remote(subject, "cannot read the source object's tags", e);
        }
    }

    /** The {@code x-amz-tagging} header: a URL query string; empty for no tags. */
    static Optional<String> header(Map<String, String> tags) {
        if (tags.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(tags.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&")));
    }

    /** Percent-encoding with %20 for a space (a '+' would be read as a plus by some servers). */
    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
