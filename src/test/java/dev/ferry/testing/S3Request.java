package dev.ferry.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP request as a path-style S3 client sends it, read from its head: the method, the S3 operation and
 * what it concerns ({@code bucket/key} for an object, {@code bucket} for a bucket, {@code ""} for the service).
 */
public record S3Request(String head, String method, Operation operation, String target, long contentLength,
        boolean chunked) {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");
    private static final Pattern CHUNKED = Pattern.compile("(?im)^transfer-encoding:.*chunked");
    private static final Pattern COPY_SOURCE = Pattern.compile("(?im)^x-amz-copy-source:");

    /** What a request does to S3; {@link #writesObject()} says which ones store an object's content. */
    public enum Operation {
        PUT_OBJECT, COPY_OBJECT, UPLOAD_PART, CREATE_MULTIPART, COMPLETE_MULTIPART, ABORT_MULTIPART,
        HEAD_OBJECT, GET_OBJECT, DELETE_OBJECT, DELETE_OBJECTS, LIST, BUCKET, SERVICE;

        /** The operations after whose success the object holds new content. */
        public boolean writesObject() {
            return this == PUT_OBJECT || this == COPY_OBJECT || this == COMPLETE_MULTIPART;
        }
    }

    /** Reads a request head ("PUT /bucket/key?x HTTP/1.1\r\nHeader: value\r\n...\r\n\r\n"). */
    public static S3Request parse(String head) {
        int lineEnd = head.indexOf("\r\n");
        String[] line = (lineEnd < 0 ? head : head.substring(0, lineEnd)).split(" ");
        if (line.length < 2) {
            throw new IllegalArgumentException("not an HTTP request line: " + head.lines().findFirst().orElse(""));
        }
        String method = line[0].toUpperCase(Locale.ROOT);
        String uri = line[1];
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? "" : uri.substring(q + 1);
        String decoded = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        String trimmed = decoded.startsWith("/") ? decoded.substring(1) : decoded;
        int slash = trimmed.indexOf('/');
        boolean object = slash > 0 && slash < trimmed.length() - 1;
        Matcher length = CONTENT_LENGTH.matcher(head);
        long contentLength = length.find() ? Long.parseLong(length.group(1)) : 0;
        Operation op = classify(method, query, trimmed.isEmpty(), object, COPY_SOURCE.matcher(head).find());
        return new S3Request(head, method, op, object || trimmed.isEmpty() ? trimmed : stripSlash(trimmed),
                contentLength, CHUNKED.matcher(head).find());
    }

    private static Operation classify(String method, String query, boolean service, boolean object, boolean copy) {
        if (service) {
            return Operation.SERVICE;
        }
        boolean uploadId = hasParameter(query, "uploadId");
        return switch (method) {
            case "PUT" -> !object ? Operation.BUCKET : uploadId ? Operation.UPLOAD_PART
                    : copy ? Operation.COPY_OBJECT : Operation.PUT_OBJECT;
            case "POST" -> hasParameter(query, "delete") ? Operation.DELETE_OBJECTS
                    : hasParameter(query, "uploads") ? Operation.CREATE_MULTIPART
                    : uploadId ? Operation.COMPLETE_MULTIPART : Operation.BUCKET;
            case "HEAD" -> object ? Operation.HEAD_OBJECT : Operation.BUCKET;
            case "GET" -> object ? Operation.GET_OBJECT
                    : query.isEmpty() || hasParameter(query, "list-type") || hasParameter(query, "prefix")
                            ? Operation.LIST : Operation.BUCKET;
            case "DELETE" -> !object ? Operation.BUCKET : uploadId ? Operation.ABORT_MULTIPART : Operation.DELETE_OBJECT;
            default -> Operation.BUCKET;
        };
    }

    private static boolean hasParameter(String query, String name) {
        for (String p : query.split("&")) {
            if (p.equals(name) || p.startsWith(name + "=")) {
                return true;
            }
        }
        return false;
    }

    private static String stripSlash(String bucket) {
        return bucket.endsWith("/") ? bucket.substring(0, bucket.length() - 1) : bucket;
    }

    /** The bucket this request concerns, if any. */
    public Optional<String> bucket() {
        if (target.isEmpty()) {
            return Optional.empty();
        }
        int slash = target.indexOf('/');
        return Optional.of(slash < 0 ? target : target.substring(0, slash));
    }

    /** Whether a body follows the head. */
    public boolean hasBody() {
        return chunked || contentLength > 0;
    }
}
