package dev.ferry.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Ferry's per-file log lines ({@code <time> INFO [thread] Lane - bucket/key: uploaded N bytes in M ms})
 * into the time each key was first uploaded. Ferry writes that line after S3 answered the PUT (and
 * CompleteMultipartUpload), so the object was visible at or before that time.
 */
final class UploadLog {
    private static final Pattern LINE = Pattern.compile("^(\\S+) +INFO +\\[[^\\]]*\\] Lane - ([^/]+)/(.*): uploaded \\d+ bytes in \\d+ ms");

    private UploadLog() {
    }

    /** Key to epoch milliseconds of its first "uploaded" line, for one bucket. */
    static Map<String, Long> firstUploads(Path log, String bucket) throws IOException {
        Map<String, Long> first = new HashMap<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = LINE.matcher(line);
            if (m.find() && m.group(2).equals(bucket)) {
                long at = OffsetDateTime.parse(m.group(1)).toInstant().toEpochMilli();
                first.merge(m.group(3), at, Math::min);
            }
        }
        return first;
    }
}
