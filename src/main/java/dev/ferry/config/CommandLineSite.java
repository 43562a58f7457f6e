package dev.ferry.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.core.UrlCredentials;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one site of the rclone-style forms {@code ferry sync DIR s3://bucket/prefix} and {@code ferry verify
 * DIR s3://bucket/prefix}, as typed. {@link FerryConfig#load(Map, Map, CommandLineSite)} reads it through the
 * same parser and checks as an entry of {@code sites:}; every problem names the argument or option it came
 * from.
 *
 * @param dir              the local folder (DIR)
 * @param destination      the destination URL as typed (s3://bucket or s3://bucket/prefix)
 * @param includes         {@code --include} globs (rclone syntax, see {@link RcloneGlobs})
 * @param excludes         {@code --exclude} globs
 * @param delete           {@code --delete}: delete objects whose local file is gone (retire_deleted)
 * @param maxDelete        {@code --max-delete}, as typed
 * @param maxDeletePercent {@code --max-delete-percent}, as typed
 * @param reconcile        {@code --checksum} or {@code --size-only}; empty for the default (state)
 */
public record CommandLineSite(String dir, String destination, List<String> includes, List<String> excludes,
        boolean delete, Optional<String> maxDelete, Optional<String> maxDeletePercent,
        Optional<SiteConfig.ReconcileMode> reconcile) {

    static final String DIR_LABEL = "DIR";

    public CommandLineSite {
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
    }

    /** Bucket and prefix of an {@code s3://} URL; the bucket name itself is checked as a site's bucket is. */
    record S3Url(String bucket, String prefix) {
    }

    /** Reads {@code s3://bucket[/prefix]}; a problem names the argument and says what to write instead. */
    static S3Url parseUrl(String typed) throws BadValue {
        String shown = "'" + masked(typed) + "'";
        String t = typed.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        String form = "s3://BUCKET or s3://BUCKET/PREFIX";
        if (!lower.startsWith("s3://")) {
            if (lower.startsWith("s3:")) {
                throw new BadValue(shown + " is not an S3 URL: it starts with s3:// (two slashes), as in " + form, false);
            }
            if (lower.matches("[a-z][a-z0-9+.-]*://.*")) {
                throw new BadValue(shown + " is not an S3 URL; write " + form + " (the address of an S3-compatible "
                        + "server goes in --endpoint or AWS_ENDPOINT_URL)", false);
            }
            throw new BadValue(shown + " is not an S3 URL; write " + form, false);
        }
        String rest = t.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new BadValue(shown + " names no bucket; write " + form, false);
        }
        if (bucket.contains("@") || bucket.contains(":")) {
            throw new BadValue(shown + " is not an S3 URL: '" + masked("s3://" + bucket).substring("s3://".length())
                    + "' is not a bucket "
                    + "name (credentials come from the environment or AWS profiles, an endpoint from --endpoint)",
                    false);
        }
        return new S3Url(bucket, prefix);
    }

    /**
     * The destination as typed, fit to be shown: the password of any user information masked (as
     * {@link UrlCredentials#mask} does), and, as a bucket never holds a ':', whatever follows a ':' in the bucket
     * part of an {@code s3://} URL without an '@' too ({@code s3://KEY:SECRET/...}).
     */
    static String masked(String typed) {
        String m = UrlCredentials.mask(typed);
        int s = m.toLowerCase(Locale.ROOT).indexOf("s3://");
        if (s < 0 || m.indexOf('@', s) >= 0) {
            return m;
        }
        int start = s + "s3://".length();
        int slash = m.indexOf('/', start);
        int end = slash < 0 ? m.length() : slash;
        int colon = m.indexOf(':', start);
        if (colon < 0 || colon >= end) {
            return m;
        }
        return m.substring(0, colon + 1) + UrlCredentials.MASK + m.substring(end);
    }

    /**
     * The site as an entry of {@code sites:}, and the label of each of its keys in problems. Problems of the
     * URL itself (not an s3:// URL) are added to {@code problems}; the node then has no bucket.
     */
    ObjectNode toSiteNode(Map<String, String> labels, List<String> problems) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode site = f.objectNode();
        site.put("local_path", dir);
        labels.put("local_path", DIR_LABEL);
        String destLabel = "s3://... (the destination, '" + masked(destination) + "')";
        try {
            S3Url url = parseUrl(destination);
            site.put("bucket", url.bucket());
            site.put("bucket_path", url.prefix());
            labels.put("bucket", destLabel + ": bucket");
            labels.put("bucket_path", destLabel + ": prefix");
        } catch (BadValue e) {
            problems.add("s3://... (the destination): " + e.getMessage());
        }
        site.set("inclusions", globs(includes, "--include", f, problems));
        site.set("exclusions", globs(excludes, "--exclude", f, problems));
        labels.put("inclusions", "--include");
        labels.put("exclusions", "--exclude");
        site.put("retire_deleted", delete);
        maxDelete.ifPresent(v -> site.put("max_delete", v));
        maxDeletePercent.ifPresent(v -> site.put("max_delete_percent", v));
        labels.put("max_delete", "--max-delete");
        labels.put("max_delete_percent", "--max-delete-percent");
        reconcile.ifPresent(m -> site.put("reconcile", m.text()));
        return site;
    }

    private static ArrayNode globs(List<String> globs, String option, JsonNodeFactory f, List<String> problems) {
        ArrayNode out = f.arrayNode();
        for (String glob : globs) {
            try {
                RcloneGlobs.patterns(glob).forEach(out::add);
            } catch (BadValue e) {
                problems.add(option + ": " + e.getMessage());
            }
        }
        return out;
    }
}
